import type { ManualClock } from '../protocol/clock.js';

/**
 * Timers, injected so tests can drive heartbeats, gate timeouts and traffic without sleeping.
 * Handles are opaque: pass back what you were given.
 */
export type TimerHandle = unknown;

export interface Timers {
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  setInterval(callback: () => void, intervalMs: number): TimerHandle;
  clearInterval(handle: TimerHandle): void;
}

export const systemTimers: Timers = {
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  setInterval: (callback, intervalMs) => setInterval(callback, intervalMs),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

interface ManualTimer {
  id: number;
  dueMs: number;
  intervalMs: number | undefined;
  callback: () => void;
}

/**
 * Timers that fire only when `advance()` moves time on. Give it the ManualClock the code under
 * test reads, and both move together.
 */
export class ManualTimers implements Timers {
  private nowMs = 0;
  private nextId = 1;
  private readonly pending = new Map<number, ManualTimer>();

  constructor(private readonly clock?: ManualClock) {}

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    return this.add(callback, delayMs, undefined);
  }

  setInterval(callback: () => void, intervalMs: number): TimerHandle {
    return this.add(callback, intervalMs, Math.max(1, intervalMs));
  }

  clearTimeout(handle: TimerHandle): void {
    this.pending.delete(handle as number);
  }

  clearInterval(handle: TimerHandle): void {
    this.pending.delete(handle as number);
  }

  /** Timers still waiting to fire. */
  get size(): number {
    return this.pending.size;
  }

  /** Moves time on by `ms`, firing every timer that falls due, in order. */
  advance(ms: number): void {
    const targetMs = this.nowMs + ms;
    for (;;) {
      const next = [...this.pending.values()].filter((timer) => timer.dueMs <= targetMs).sort((a, b) => a.dueMs - b.dueMs || a.id - b.id)[0];
      if (!next) break;
      this.moveTo(next.dueMs);
      if (next.intervalMs === undefined) this.pending.delete(next.id);
      else next.dueMs += next.intervalMs;
      next.callback();
    }
    this.moveTo(targetMs);
  }

  private moveTo(ms: number): void {
    this.clock?.advance(ms - this.nowMs);
    this.nowMs = ms;
  }

  private add(callback: () => void, delayMs: number, intervalMs: number | undefined): TimerHandle {
    const id = this.nextId++;
    this.pending.set(id, { id, dueMs: this.nowMs + Math.max(0, delayMs), intervalMs, callback });
    return id;
  }
}
