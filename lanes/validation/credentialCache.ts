import type { KeyObject } from 'node:crypto';

interface CachedCredential {
  raw: Buffer;
  phoneKey: KeyObject;
}

/**
 * Credentials whose issuer signature this lane has already verified, with the phone's key
 * object built once (design section 3: a scan of a known credential costs one signature check).
 *
 * Looked up by the credential's signature bytes, but a hit also compares the whole credential:
 * a forged body carrying a copied valid signature must not ride on the cache.
 * Least recently used entries go first; the whole cache is dropped when the issuer keys change.
 */
export class CredentialCache {
  private readonly entries = new Map<string, CachedCredential>();
  private epoch = -1;
  hits = 0;
  misses = 0;

  constructor(private readonly capacity: number) {}

  /** The phone key of a verified credential, or undefined if this exact credential is not cached. */
  phoneKeyOf(signature: Buffer, raw: Buffer, keysEpoch: number): KeyObject | undefined {
    if (keysEpoch !== this.epoch) {
      this.entries.clear();
      this.epoch = keysEpoch;
    }
    const cacheKey = signature.toString('base64');
    const entry = this.entries.get(cacheKey);
    if (!entry || !entry.raw.equals(raw)) {
      this.misses++;
      return undefined;
    }
    this.entries.delete(cacheKey);
    this.entries.set(cacheKey, entry);
    this.hits++;
    return entry.phoneKey;
  }

  remember(signature: Buffer, raw: Buffer, phoneKey: KeyObject): void {
    const cacheKey = signature.toString('base64');
    this.entries.delete(cacheKey);
    // Copy: the credential is a view into the scanned code's buffer.
    this.entries.set(cacheKey, { raw: Buffer.from(raw), phoneKey });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }

  get size(): number {
    return this.entries.size;
  }
}
