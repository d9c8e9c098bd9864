import { ARREARS_REASON } from '../arrears/arrearsCycle.js';
import type { GatewayContext } from '../context.js';
import { describeParts, type FundingPart } from '../funding/fundingParts.js';
import { accountId } from '../ledger/accounts.js';
import type { DebtorState, TokenOwner } from './batchLoad.js';
import { targetChargeMinor } from './chargeJourney.js';
import type { Journey } from './journeyRecords.js';

type Row = Record<string, unknown>;

/** Rows a batch appends to the ledger and the arrears tables, written in bulk after pricing. */
export interface LedgerWrites {
  accounts: Map<string, Row>;
  postings: Row[];
  entries: Row[];
  arrears: Row[];
  arrearsEvents: Row[];
}

export function emptyLedgerWrites(): LedgerWrites {
  return { accounts: new Map(), postings: [], entries: [], arrears: [], arrearsEvents: [] };
}

export function mergeLedgerWrites(into: LedgerWrites, from: LedgerWrites): void {
  for (const [id, row] of from.accounts) into.accounts.set(id, row);
  into.postings.push(...from.postings);
  into.entries.push(...from.entries);
  into.arrears.push(...from.arrears);
  into.arrearsEvents.push(...from.arrearsEvents);
}

/** Thrown when a rider needs what only the one-at-a-time path does (chargeJourney.ts): their tokens are paired there instead. */
export class NeedsOneByOne extends Error {}

/**
 * chargeJourney, postFunded, fundCharge and recordAdvance for one rider (no family payer) over
 * state loaded for the batch, in memory: the same postings, keys, descriptions and arrears records
 * in the same order, as rows to insert. Only positive charges are handled here; money given back,
 * a key posted before, and an arrears cycle that would repay, deny or release are NeedsOneByOne.
 */
export class RiderCharges {
  readonly writes = emptyLedgerWrites();
  private readonly wallet: string;

  constructor(
    private readonly ctx: GatewayContext,
    private readonly nowMs: number,
    private readonly rider: TokenOwner,
    private balanceMinor: number,
    private readonly charged: Set<string>,
    private readonly existingKeys: ReadonlySet<string>,
    private readonly debtor: DebtorState,
  ) {
    this.wallet = accountId('rider_wallet', rider.riderId, rider.currency);
  }

  /** What chargeJourney would post for this journey now. */
  charge(journey: Journey): number {
    const deltaMinor = targetChargeMinor(journey) - journey.chargedMinor;
    if (deltaMinor === 0 || !journey.riderId || !journey.operatorId) return 0;
    if (deltaMinor < 0) throw new NeedsOneByOne('money given back');
    const earlier = this.charged.has(journey.id);
    const key = earlier ? `adjust:${journey.id}:r${journey.revision}` : `charge:${journey.id}`;
    if (this.existingKeys.has(key)) throw new NeedsOneByOne('key posted before');
    const { rider, nowMs } = this;
    const parts: FundingPart[] = [];
    const ownMinor = Math.min(deltaMinor, Math.max(0, this.balanceMinor + rider.payLaterLimitMinor));
    if (ownMinor > 0) parts.push({ payer: 'wallet', riderId: rider.riderId, accountId: this.wallet, amountMinor: ownMinor });
    const advanceMinor = deltaMinor - ownMinor;
    if (advanceMinor > 0) parts.push({ payer: 'advance', riderId: rider.riderId, accountId: this.ensure('arrears_advance', rider.riderId), amountMinor: advanceMinor });
    const revenue = this.ensure('operator_revenue', journey.operatorId);
    const route = [journey.entryStationId, journey.exitStationId].filter(Boolean).join(' to ');
    const postingId = this.ctx.ids();
    this.writes.postings.push({
      id: postingId, idempotency_key: key, kind: earlier ? 'adjust' : 'charge', journey_id: journey.id, rider_id: rider.riderId, operator_id: journey.operatorId, currency: rider.currency, created_at: nowMs,
      description: `${earlier ? 'Correction' : 'Journey'} ${route} (${journey.status}): ${journey.fareRule}; paid by ${describeParts(parts)}`,
    });
    this.writes.entries.push({ posting_id: postingId, account_id: revenue, amount_minor: deltaMinor }, ...parts.map((part) => ({ posting_id: postingId, account_id: part.accountId, amount_minor: -part.amountMinor })));
    this.balanceMinor -= ownMinor;
    if (advanceMinor > 0) this.recordAdvance(postingId, journey.id, advanceMinor);
    this.charged.add(journey.id);
    return deltaMinor;
  }

  /** runArrearsCycle after a charge, when it would change nothing (else NeedsOneByOne). */
  settle(): void {
    const { open, tokens } = this.debtor;
    if (open.length && Math.max(0, this.balanceMinor + this.rider.payLaterLimitMinor) > 0) throw new NeedsOneByOne('arrears to repay');
    if (open.some((record) => record.state !== 'deny_listed' && this.nowMs >= record.graceEndsAt)) throw new NeedsOneByOne('grace ended');
    const denied = open.some((record) => record.state === 'deny_listed');
    const tokensAgree = denied ? tokens.every((token) => token.denyReason !== null) : tokens.every((token) => token.denyReason !== ARREARS_REASON);
    if (!tokensAgree || this.rider.status !== (denied ? 'in_arrears' : 'active')) throw new NeedsOneByOne('deny state changes');
  }

  private ensure(kind: 'operator_revenue' | 'arrears_advance', ownerId: string): string {
    const id = accountId(kind, ownerId, this.rider.currency);
    this.writes.accounts.set(id, { id, kind, owner_id: ownerId, currency: this.rider.currency });
    return id;
  }

  private recordAdvance(postingId: string, journeyId: string, amountMinor: number): void {
    const { nowMs, rider } = this;
    const { arrearsGraceS, arrearsRetryIntervalS } = this.ctx.config;
    const id = this.ctx.ids();
    const graceEndsAt = nowMs + arrearsGraceS * 1000;
    this.writes.arrears.push({
      id, owner_kind: 'rider', owner_id: rider.riderId, account_id: this.wallet, posting_id: postingId, journey_id: journeyId, currency: rider.currency,
      advanced_minor: amountMinor, state: 'advanced', advanced_at: nowMs, grace_ends_at: graceEndsAt, next_retry_at: nowMs + arrearsRetryIntervalS * 1000, updated_at: nowMs,
    });
    this.writes.arrearsEvents.push({ arrears_id: id, owner_id: rider.riderId, at: nowMs, from_state: null, to_state: 'advanced', reason: 'CHARGE_NOT_COVERED', posting_id: postingId, amount_minor: amountMinor });
    this.debtor.open.push({ state: 'advanced', graceEndsAt });
  }
}
