import { errorMessage, GatewayUnavailableError } from '../errors.js';
import type { GatewayClient } from '../gatewayClient.js';
import type { JournalDaySummary } from '../journal/journalDaySummary.js';
import type { LaneLogger } from '../log.js';

/**
 * Sends the lane's journal days to the gateway (docs/protocol.md, "Journal days"): at start,
 * every intervalMs and on demand, it asks which ended business days the gateway wants and what it
 * holds of each, and sends the days whose journal differs from what is held (never sent, or
 * passages journaled since: a device that reported late). What the gateway holds is the
 * acknowledgement, so a day is sent again until it is held, across restarts and outages.
 */
export class JournalDayReporter {
  daysReported = 0;
  failures = 0;
  lastError: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<string[]> | undefined;
  private closed = false;
  private failing = false;

  constructor(
    private readonly laneId: string,
    private readonly summary: JournalDaySummary,
    private readonly gateway: GatewayClient,
    private readonly options: { intervalMs: number; logger: LaneLogger },
  ) {}

  start(): void {
    void this.report();
    this.timer = setInterval(() => void this.report(), this.options.intervalMs);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  /** One round now (or the one already running); resolves with the days it sent. */
  report(): Promise<string[]> {
    this.inFlight ??= this.round().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async round(): Promise<string[]> {
    const sent: string[] = [];
    let wanted;
    try {
      wanted = await this.gateway.fetchJournalDays(this.laneId);
    } catch (error) {
      this.fail(error);
      return sent;
    }
    for (const window of wanted.days) {
      if (this.closed) break;
      const held = this.summary.held(window);
      if (window.held && window.held.count === held.count && window.held.lastSeq === held.lastSeq) continue;
      try {
        const parts = await this.summary.parts(window);
        let complete = false;
        for (const part of parts) {
          if (this.closed) return sent;
          complete = (await this.gateway.postJournalDay(part)).complete;
        }
        if (!complete) throw new Error(`the gateway did not hold journal day ${window.day} complete after all ${parts.length} parts`);
        sent.push(window.day);
        this.daysReported++;
        this.failing = false;
        this.options.logger.info('journal_day.reported', { day: window.day, passages: parts[0].count, parts: parts.length, digest: parts[0].digest });
      } catch (error) {
        this.fail(error, window.day);
        // The gateway is away: the next round tries again. A refused day does not hold up the others.
        if (error instanceof GatewayUnavailableError) break;
      }
    }
    return sent;
  }

  private fail(error: unknown, day?: string): void {
    this.failures++;
    this.lastError = errorMessage(error);
    if (error instanceof GatewayUnavailableError) {
      if (!this.failing) this.options.logger.warn('journal_day.report_failed', { day, error: this.lastError });
      this.failing = true;
    } else {
      this.options.logger.error('journal_day.refused', { day, error: this.lastError });
    }
  }
}
