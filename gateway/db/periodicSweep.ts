import type { GatewayContext } from '../context.js';

/**
 * A sweep the gateway runs every sweepIntervalMs (0: never by itself): at most one run at a
 * time, a failed run counted under `<metric>` and retried next time, close() waiting for a run in
 * progress. Subclasses write sweepOnce(), which tests call directly with an injected clock.
 */
export abstract class PeriodicSweep<Result> {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(protected readonly ctx: GatewayContext, private readonly failureMetric: string) {}

  abstract sweepOnce(): Promise<Result>;

  start(): void {
    if (this.timer || this.ctx.config.sweepIntervalMs === 0) return;
    this.timer = setInterval(() => {
      if (!this.running) this.running = this.sweepOnce().catch(() => this.ctx.metrics.increment(this.failureMetric)).finally(() => (this.running = undefined));
    }, this.ctx.config.sweepIntervalMs);
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
