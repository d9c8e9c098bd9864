import type { LaneActivity } from '../../protocol/laneApi.js';

export const ACTIVITY_WINDOW_MS = 60_000;
/** A lane deciding more than this many times a minute reports on the newest ones only. */
const MAX_KEPT = 20_000;

/** The value below which `share` of the sorted values lie (nearest rank). */
function percentile(sorted: readonly number[], share: number): number | null {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)]!;
}

/**
 * The decisions of the last minute, with the latency of each that was timed: what a LaneReport
 * says as decisions per minute and p50/p99 latency. Times are the lane's clock.
 */
export class DecisionWindow {
  private readonly at: number[] = [];
  private readonly latencyUs: Array<number | undefined> = [];

  constructor(private readonly windowMs = ACTIVITY_WINDOW_MS) {}

  record(atMs: number, latencyUs?: number): void {
    this.at.push(atMs);
    this.latencyUs.push(latencyUs);
    if (this.at.length > MAX_KEPT) this.drop(this.at.length - MAX_KEPT);
  }

  summary(nowMs: number): LaneActivity {
    const since = nowMs - this.windowMs;
    let old = 0;
    while (old < this.at.length && this.at[old]! <= since) old += 1;
    this.drop(old);
    const timed = this.latencyUs.filter((value): value is number => value !== undefined).sort((a, b) => a - b);
    const ms = (us: number | null) => (us === null ? null : Math.round(us) / 1000);
    return { windowS: this.windowMs / 1000, decisions: this.at.length, latencyP50Ms: ms(percentile(timed, 0.5)), latencyP99Ms: ms(percentile(timed, 0.99)) };
  }

  private drop(count: number): void {
    this.at.splice(0, count);
    this.latencyUs.splice(0, count);
  }
}
