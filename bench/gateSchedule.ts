import { performance } from 'node:perf_hooks';

/**
 * An open-loop schedule: slot k is due at start + k / ratePerS, whatever happened to the slots
 * before it, as riders arrive at gates whether or not the last one was served. Slots that fall
 * due while the process is busy fire together as soon as it is free, and their lateness is
 * recorded, so a schedule that could not keep up shows in the report instead of hiding.
 */
export async function runSchedule(options: { ratePerS: number; slots: number; fire: (slot: number, lateMs: number) => void }): Promise<void> {
  const intervalMs = 1000 / options.ratePerS;
  const startAt = performance.now() + 5;
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (next < options.slots && startAt + next * intervalMs <= now) {
        options.fire(next, now - (startAt + next * intervalMs));
        next++;
      }
      if (next >= options.slots) return resolve();
      setTimeout(tick, Math.max(0, startAt + next * intervalMs - performance.now()));
    };
    tick();
  });
}

/** Tracks promises still running, so a phase can wait for its last answers. */
export class InFlight {
  private readonly running = new Set<Promise<unknown>>();

  add(work: Promise<unknown>): void {
    this.running.add(work);
    void work.finally(() => this.running.delete(work)).catch(() => {});
  }

  async settle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}
