import { systemClock, type Clock } from '../../protocol/clock.js';
import { errorMessage } from '../errors.js';
import type { GatewayClient } from '../gatewayClient.js';
import type { LaneLogger } from '../log.js';
import type { PassageRecord } from '../../protocol/laneApi.js';
import type { TollPassageRecord } from '../../protocol/toll.js';
import type { OutboxPassage, OutboxStore } from './outboxStore.js';

export interface ForwarderOptions {
  laneId: string;
  batchSize: number;
  retryMinMs: number;
  retryMaxMs: number;
  /** How long a new passage waits for others to join its batch: the gateway's cost is per batch. */
  lingerMs?: number;
  clock?: Clock;
  logger: LaneLogger;
  /** Toll lanes send to /toll-passages (same answer and semantics as /passages). */
  route?: 'passages' | 'toll-passages';
}

/**
 * Sends the outbox to the gateway in lane-sequence order, in batches. Accepted ids are marked
 * sent; rejected ones are flagged and counted, never retried blindly; anything else stays
 * pending and is sent again after a capped exponential backoff. Exactly once end to end comes
 * from this at-least-once delivery plus the gateway's idempotent ingest of passage ids.
 */
export class OutboxForwarder {
  sent = 0;
  rejected = 0;
  failures = 0;
  lastError: string | undefined;
  private running = false;
  private wakeRequested = false;
  private timer: NodeJS.Timeout | undefined;
  private retryDelayMs = 0;
  private backingOff = false;
  private loop: Promise<void> | undefined;
  private readonly idleWaiters: (() => void)[] = [];

  constructor(private readonly outbox: OutboxStore<OutboxPassage>, private readonly gateway: GatewayClient, private readonly options: ForwarderOptions) {}

  start(): void {
    this.running = true;
    this.wake();
  }

  async close(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.loop;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** A passage was appended: send it soon (after the linger), unless backing off from a failure (then the retry timer sends it). */
  wake(): void {
    if (!this.running) return;
    if (this.loop) {
      this.wakeRequested = true;
      return;
    }
    if (this.timer || this.backingOff) return;
    this.schedule(this.options.lingerMs ?? 0);
  }

  /** Resolves when the outbox has nothing pending (for tests and orderly shutdown). */
  whenIdle(): Promise<void> {
    if (this.outbox.backlog() === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.loop = this.drain().finally(() => {
        this.loop = undefined;
        if (this.wakeRequested && this.running && !this.backingOff) this.schedule(this.options.lingerMs ?? 0);
        this.wakeRequested = false;
      });
    }, delayMs);
  }

  private async drain(): Promise<void> {
    while (this.running) {
      this.wakeRequested = false;
      const rows = this.outbox.pending(this.options.batchSize);
      if (rows.length === 0) {
        this.backingOff = false;
        this.retryDelayMs = 0;
        for (const resolve of this.idleWaiters.splice(0)) resolve();
        return;
      }
      this.outbox.noteAttempt(rows[0].laneSeq, rows[rows.length - 1].laneSeq);
      try {
        const laneId = this.options.laneId;
        const result =
          this.options.route === 'toll-passages'
            ? await this.gateway.postTollPassages({ laneId, passages: rows.map((row) => row.passage as TollPassageRecord) })
            : await this.gateway.postPassages({ laneId, passages: rows.map((row) => row.passage as PassageRecord) });
        const now = (this.options.clock ?? systemClock).now();
        this.sent += this.outbox.markSent(result.accepted, now);
        if (result.rejected.length > 0) {
          this.rejected += this.outbox.markRejected(result.rejected);
          this.options.logger.error('outbox.rejected', { passages: result.rejected });
        }
        const settled = new Set([...result.accepted, ...result.rejected.map((entry) => entry.id)]);
        // The gateway left some of the batch unanswered: try those again later, not in a tight loop.
        if (rows.some((row) => !settled.has(row.passage.id))) throw new Error('gateway answered only part of the batch');
        this.backingOff = false;
        this.retryDelayMs = 0;
      } catch (error) {
        this.failures++;
        this.lastError = errorMessage(error);
        this.retryDelayMs = Math.min(this.options.retryMaxMs, this.retryDelayMs === 0 ? this.options.retryMinMs : this.retryDelayMs * 2);
        this.options.logger.warn('outbox.send_failed', { error: this.lastError, retryInMs: this.retryDelayMs, backlog: this.outbox.backlog() });
        this.backingOff = true;
        if (this.running) this.schedule(this.retryDelayMs);
        return;
      }
    }
  }
}
