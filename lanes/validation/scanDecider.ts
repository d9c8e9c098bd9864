import type { DenyReason } from '../../protocol/denyReasons.js';
import type { Direction } from '../../protocol/messages.js';
import type { RideCode } from '../../protocol/ridecode/format.js';
import type { LaneConfig } from '../config.js';
import type { HotStore } from '../hotstate/hotStore.js';
import type { RideCodeValidator } from './rideCodeValidator.js';

export interface ScanDecision {
  action: 'open' | 'deny';
  reason?: DenyReason;
  code?: RideCode;
  trustStale: boolean;
}

type DeciderConfig = Pick<
  LaneConfig,
  'mode' | 'stationId' | 'codeFreshnessS' | 'clockSkewToleranceS' | 'passbackWindowS' | 'requiredOfflineLimitMinor' | 'staleRequiredOfflineLimitMinor'
>;

/**
 * The whole decision for one scan: the offline checks, then the station-wide ones in the hot
 * store (code already used, anti-passback), then the offline limit, in the order of
 * protocol/denyReasons.ts. The hot-store round trip is the only await.
 */
export class ScanDecider {
  private readonly usedCodeTtlMs: number;

  constructor(
    private readonly validator: RideCodeValidator,
    private readonly hotStore: HotStore,
    private readonly isTrustStale: () => boolean,
    private readonly config: DeciderConfig,
  ) {
    // A code stays acceptable from generatedAt - skew to generatedAt + freshness + skew, as seen
    // by any gate: remember it at least that long after its first use.
    this.usedCodeTtlMs = (config.codeFreshnessS + 2 * config.clockSkewToleranceS + 5) * 1000;
  }

  /** The key under which a code is marked used: station-wide, by token, generation time and counter. */
  /** Network-wide, not per station: a code opens one gate once, so a screenshot is no good at the next station either. */
  usedCodeKey(code: RideCode): string {
    return `${code.credential.tokenId}:${code.generatedAtS}:${code.counter}`;
  }

  async decide(text: string, direction: Direction, nowMs: number): Promise<ScanDecision> {
    const trustStale = this.isTrustStale();
    // A metro gate takes entries and exits; a bus validator takes boardings. Checked first: the
    // direction is the device's, not the code's.
    if ((direction === 'board') !== (this.config.mode === 'bus')) return { action: 'deny', reason: 'WRONG_DIRECTION', trustStale };
    const verdict = this.validator.validate(text, nowMs);
    if (!verdict.ok) return { action: 'deny', reason: verdict.reason, code: verdict.code, trustStale };
    const code = verdict.code;
    const checksPassback = this.config.mode === 'metro' && direction === 'entry';
    const key = this.usedCodeKey(code);
    const claim = checksPassback
      ? await this.hotStore.claimCodeAndGetPassback(key, this.usedCodeTtlMs, code.credential.tokenId)
      : { claimed: await this.hotStore.claimCode(key, this.usedCodeTtlMs), passback: null };
    if (!claim.claimed) return { action: 'deny', reason: 'CODE_ALREADY_USED', code, trustStale };
    // Entry after entry without an exit; an exit without an entry passes and the gateway prices it.
    if (checksPassback && claim.passback?.state === 'in' && nowMs - claim.passback.at < this.config.passbackWindowS * 1000) {
      return { action: 'deny', reason: 'PASSBACK_ENTRY_AFTER_ENTRY', code, trustStale };
    }
    const requiredLimitMinor = trustStale ? this.config.staleRequiredOfflineLimitMinor : this.config.requiredOfflineLimitMinor;
    if (code.credential.offlineLimitMinor < requiredLimitMinor) return { action: 'deny', reason: 'OFFLINE_LIMIT_EXCEEDED', code, trustStale };
    return { action: 'open', code, trustStale };
  }
}
