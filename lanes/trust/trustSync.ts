import { systemClock, type Clock } from '../../protocol/clock.js';
import type { TrustChange } from '../../protocol/laneApi.js';
import { errorMessage } from '../errors.js';
import type { GatewayClient } from '../gatewayClient.js';
import type { LaneLogger } from '../log.js';
import type { TrustCopy } from './trustCopy.js';
import type { TrustPersistence } from './trustPersistence.js';

export interface TrustSyncOptions {
  pollIntervalMs: number;
  staleAfterS: number;
  clock?: Clock;
  logger: LaneLogger;
}

// A catch-up that keeps getting changes stops after this many pages and continues at the next poll.
const MAX_PAGES_PER_CATCH_UP = 100;

/**
 * Keeps the trust copy current (design section 5): catch up over HTTP at start and every
 * pollIntervalMs, apply a pushed delta only if it is exactly the next version (anything else
 * triggers a catch-up), persist every change with its version, and know how stale the copy is.
 */
export class TrustSync {
  /** When the lane last confirmed with the gateway that its copy was current; null if never. */
  confirmedAt: number | null = null;
  invalidChanges = 0;
  lastError: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<boolean> | undefined;
  private running = false;

  constructor(
    private readonly copy: TrustCopy,
    private readonly persistence: TrustPersistence,
    private readonly gateway: GatewayClient,
    private readonly options: TrustSyncOptions,
  ) {}

  private now(): number {
    return (this.options.clock ?? systemClock).now();
  }

  private loaded = false;

  /** The copy as the lane last persisted it: before any device message is taken after a restart. */
  loadPersisted(): void {
    this.confirmedAt = this.persistence.loadInto(this.copy);
    this.loaded = true;
  }

  /** Loads the persisted copy (unless already loaded), then tries one catch-up; a gateway that is down does not stop the lane. */
  async start(): Promise<void> {
    if (!this.loaded) this.loadPersisted();
    this.running = true;
    await this.catchUp();
    this.timer = setInterval(() => void this.catchUp(), this.options.pollIntervalMs);
  }

  async close(): Promise<void> {
    this.running = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  ageMs(): number | null {
    return this.confirmedAt === null ? null : Math.max(0, this.now() - this.confirmedAt);
  }

  isStale(): boolean {
    const age = this.ageMs();
    return age === null || age > this.options.staleAfterS * 1000;
  }

  /** A delta pushed on MQTT. */
  handlePushed(change: TrustChange): void {
    if (change.version <= this.copy.version) return;
    if (change.version === this.copy.version + 1) {
      this.applyAll([change]);
      return;
    }
    void this.catchUp();
  }

  /** Single flight: concurrent callers share one catch-up. Resolves true when the copy is confirmed current. */
  catchUp(): Promise<boolean> {
    if (!this.running) return Promise.resolve(false);
    this.inFlight ??= this.fetchUntilCurrent().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async fetchUntilCurrent(): Promise<boolean> {
    try {
      for (let page = 0; page < MAX_PAGES_PER_CATCH_UP && this.running; page++) {
        const answer = await this.gateway.fetchTrust(this.copy.version);
        const fresh = answer.changes.filter((change) => change.version > this.copy.version).sort((a, b) => a.version - b.version);
        if (fresh.length > 0) this.applyAll(fresh);
        if (this.copy.version >= answer.version) {
          if (this.copy.version > answer.version) this.options.logger.warn('trust.ahead_of_gateway', { lane: this.copy.version, gateway: answer.version });
          else this.confirm();
          return this.copy.version === answer.version;
        }
        if (fresh.length === 0) {
          this.options.logger.warn('trust.catch_up_stalled', { version: this.copy.version, gateway: answer.version });
          return false;
        }
      }
    } catch (error) {
      this.lastError = errorMessage(error);
      this.options.logger.warn('trust.catch_up_failed', { error: this.lastError, version: this.copy.version, ageMs: this.ageMs() });
    }
    return false;
  }

  private confirm(): void {
    this.confirmedAt = this.now();
    this.persistence.saveConfirmedAt(this.confirmedAt);
  }

  private applyAll(changes: TrustChange[]): void {
    const applied: TrustChange[] = [];
    for (const change of changes) {
      try {
        this.copy.apply(change);
        applied.push(change);
      } catch (error) {
        // A change the lane cannot use (say, a key of an unsupported algorithm) must not stall every later one.
        this.invalidChanges++;
        this.copy.version = change.version;
        this.options.logger.error('trust.change_invalid', { version: change.version, kind: change.kind, error: errorMessage(error) });
      }
    }
    this.persistence.saveChanges(applied, this.copy.version);
  }
}
