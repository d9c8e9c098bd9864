/**
 * The state the gates of one station share and must see within a scan: codes already used and
 * each token's passback state. In this process (MemoryHotStore) or in Redis (RedisHotStore),
 * both passing test/lanes/hotStoreContract.ts.
 */
export interface PassbackState {
  state: 'in' | 'out';
  site: string;
  at: number;
}

export interface ClaimResult {
  /** True when this scan is the first use of the code. */
  claimed: boolean;
  /** The token's passback state before this scan, read in the same round trip. */
  passback: PassbackState | null;
}

export interface HotStore {
  start(): Promise<void>;
  close(): Promise<void>;
  /** Mark a code used; false if it already was (SET NX with a TTL covering its validity). */
  claimCode(key: string, ttlMs: number): Promise<boolean>;
  /** claimCode and the token's passback state at once: the one round trip a scan pays. */
  claimCodeAndGetPassback(codeKey: string, ttlMs: number, tokenId: string): Promise<ClaimResult>;
  getPassback(tokenId: string): Promise<PassbackState | null>;
  /** Store the state unless a newer one (by `at`) is already there. */
  setPassback(tokenId: string, state: PassbackState, ttlMs: number): Promise<void>;
}

export function parsePassback(text: string | null | undefined): PassbackState | null {
  if (!text) return null;
  try {
    const value = JSON.parse(text) as Partial<PassbackState>;
    if ((value.state === 'in' || value.state === 'out') && typeof value.site === 'string' && typeof value.at === 'number') return { state: value.state, site: value.site, at: value.at };
  } catch {
    // A corrupt entry is treated as no state: passback is a convenience check, not a charge.
  }
  return null;
}
