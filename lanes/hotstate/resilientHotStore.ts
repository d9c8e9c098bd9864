import { errorMessage, HotStoreUnavailableError } from '../errors.js';
import type { ClaimResult, HotStore, PassbackState } from './hotStore.js';
import type { MemoryHotStore } from './memoryHotStore.js';

export interface PingableHotStore extends HotStore {
  ping(): Promise<void>;
}

export interface ResilientHotStoreOptions {
  /** A call slower than this counts as a failure. */
  timeoutMs: number;
  /** While degraded, how often Redis is probed. */
  probeIntervalMs: number;
  /** How long start() waits for the shared store before deciding without it. */
  startTimeoutMs?: number;
  onChange?: (degraded: boolean, reason?: string) => void;
}

/**
 * The shared hot store (Redis) with this process's state as the fallback: when Redis errors or
 * is slow, the lane keeps deciding on local state, reports hotStoreDegraded, and goes back to
 * Redis once a probe answers. Every write also lands locally, so that a fallback still knows the
 * codes this lane saw used recently.
 */
export class ResilientHotStore implements HotStore {
  degraded = false;
  failures = 0;
  private probeTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly primary: PingableHotStore, private readonly local: MemoryHotStore, private readonly options: ResilientHotStoreOptions) {}

  async start(): Promise<void> {
    this.closed = false;
    await this.local.start();
    const starting = this.primary.start();
    try {
      await this.withTimeout(starting, this.options.startTimeoutMs ?? 2000);
    } catch (error) {
      starting.catch(() => {});
      this.markDegraded(error);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.probeTimer) clearInterval(this.probeTimer);
    this.probeTimer = undefined;
    await this.primary.close();
    await this.local.close();
  }

  async claimCode(key: string, ttlMs: number): Promise<boolean> {
    return this.run(
      async () => {
        const claimed = await this.primary.claimCode(key, ttlMs);
        this.local.claimCodeSync(key, ttlMs);
        return claimed;
      },
      () => this.local.claimCodeSync(key, ttlMs),
    );
  }

  async claimCodeAndGetPassback(codeKey: string, ttlMs: number, tokenId: string): Promise<ClaimResult> {
    return this.run(
      async () => {
        const result = await this.primary.claimCodeAndGetPassback(codeKey, ttlMs, tokenId);
        this.local.claimCodeSync(codeKey, ttlMs);
        return result;
      },
      () => ({ claimed: this.local.claimCodeSync(codeKey, ttlMs), passback: this.local.getPassbackSync(tokenId) }),
    );
  }

  async getPassback(tokenId: string): Promise<PassbackState | null> {
    return this.run(() => this.primary.getPassback(tokenId), () => this.local.getPassbackSync(tokenId));
  }

  async setPassback(tokenId: string, state: PassbackState, ttlMs: number): Promise<void> {
    this.local.setPassbackSync(tokenId, state, ttlMs);
    await this.run(() => this.primary.setPassback(tokenId, state, ttlMs), () => undefined);
  }

  private async run<T>(onPrimary: () => Promise<T>, onLocal: () => T): Promise<T> {
    if (this.degraded) return onLocal();
    try {
      return await this.withTimeout(onPrimary(), this.options.timeoutMs);
    } catch (error) {
      this.markDegraded(error);
      return onLocal();
    }
  }

  private withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new HotStoreUnavailableError(`hot store did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    // A late answer after the timeout must not surface as an unhandled rejection.
    promise.catch(() => {});
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }

  private markDegraded(error: unknown): void {
    this.failures++;
    if (this.degraded || this.closed) return;
    this.degraded = true;
    this.options.onChange?.(true, errorMessage(error));
    this.probeTimer = setInterval(() => void this.probe(), this.options.probeIntervalMs);
  }

  private async probe(): Promise<void> {
    try {
      await this.withTimeout(this.primary.ping(), this.options.timeoutMs * 4);
    } catch {
      return;
    }
    if (!this.degraded || this.closed) return;
    this.degraded = false;
    if (this.probeTimer) clearInterval(this.probeTimer);
    this.probeTimer = undefined;
    this.options.onChange?.(false);
  }
}
