/** Wall clock in Unix milliseconds, injected everywhere so tests can drive time. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to. */
export class ManualClock implements Clock {
  constructor(private ms: number = Date.UTC(2026, 0, 5, 8, 0, 0)) {}
  now(): number {
    return this.ms;
  }
  set(ms: number): void {
    this.ms = ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** A clock offset from another: how a lane whose clock runs fast or slow sees the world. */
export class SkewedClock implements Clock {
  constructor(private readonly base: Clock, public skewMs: number) {}
  now(): number {
    return this.base.now() + this.skewMs;
  }
}
