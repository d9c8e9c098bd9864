import { systemClock, type Clock } from '../../protocol/clock.js';
import type { ClaimResult, HotStore, PassbackState } from './hotStore.js';

interface Expiring<T> {
  value: T;
  expiresAt: number;
}

/**
 * Hot state in this process: two maps with expiry, swept every sweepIntervalMs so that used
 * codes do not pile up. Shared by the lanes of one process by passing the same instance.
 */
export class MemoryHotStore implements HotStore {
  private readonly codes = new Map<string, number>();
  private readonly passbacks = new Map<string, Expiring<PassbackState>>();
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: { clock?: Clock; sweepIntervalMs?: number } = {}) {}

  private now(): number {
    return (this.options.clock ?? systemClock).now();
  }

  async start(): Promise<void> {
    if (this.sweepTimer) return;
    this.sweepTimer = setInterval(() => this.sweep(), this.options.sweepIntervalMs ?? 10_000);
    this.sweepTimer.unref();
  }

  async close(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
  }

  /** Drop expired entries; returns how many went. */
  sweep(): number {
    const now = this.now();
    let removed = 0;
    for (const [key, expiresAt] of this.codes) if (expiresAt <= now && this.codes.delete(key)) removed++;
    for (const [key, entry] of this.passbacks) if (entry.expiresAt <= now && this.passbacks.delete(key)) removed++;
    return removed;
  }

  get size(): number {
    return this.codes.size + this.passbacks.size;
  }

  claimCodeSync(key: string, ttlMs: number): boolean {
    const now = this.now();
    const expiresAt = this.codes.get(key);
    if (expiresAt !== undefined && expiresAt > now) return false;
    this.codes.set(key, now + ttlMs);
    return true;
  }

  getPassbackSync(tokenId: string): PassbackState | null {
    const entry = this.passbacks.get(tokenId);
    if (!entry) return null;
    if (entry.expiresAt <= this.now()) {
      this.passbacks.delete(tokenId);
      return null;
    }
    return entry.value;
  }

  setPassbackSync(tokenId: string, state: PassbackState, ttlMs: number): void {
    // Keep the newest state by passage time: confirmations may arrive out of order.
    const current = this.getPassbackSync(tokenId);
    if (current && current.at > state.at) return;
    this.passbacks.set(tokenId, { value: { ...state }, expiresAt: this.now() + ttlMs });
  }

  async claimCode(key: string, ttlMs: number): Promise<boolean> {
    return this.claimCodeSync(key, ttlMs);
  }

  async claimCodeAndGetPassback(codeKey: string, ttlMs: number, tokenId: string): Promise<ClaimResult> {
    return { claimed: this.claimCodeSync(codeKey, ttlMs), passback: this.getPassbackSync(tokenId) };
  }

  async getPassback(tokenId: string): Promise<PassbackState | null> {
    return this.getPassbackSync(tokenId);
  }

  async setPassback(tokenId: string, state: PassbackState, ttlMs: number): Promise<void> {
    this.setPassbackSync(tokenId, state, ttlMs);
  }
}
