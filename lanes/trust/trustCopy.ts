import { createPublicKey, type KeyObject } from 'node:crypto';
import type { TrustChange } from '../../protocol/laneApi.js';
import { algorithmByName } from '../../protocol/ridecode/algorithms.js';
import { LaneError } from '../errors.js';

/** An issuer public key as the lane holds it: the KeyObject is built once, when the key arrives. */
export interface IssuerKey {
  keyId: number;
  algorithm: string;
  /** As the gateway sent it (base64url raw key, or PEM). */
  publicKeyText: string;
  key: KeyObject;
  validFromS: number;
  validUntilS: number;
  revoked: boolean;
}

export interface DeniedToken {
  tokenId: string;
  reason: string;
}

export function issuerKeyFromText(keyId: number, algorithmName: string, publicKeyText: string, validFromS: number, validUntilS: number, revoked = false): IssuerKey {
  const algorithm = algorithmByName(algorithmName);
  if (!algorithm) throw new LaneError('TRUST_CHANGE_INVALID', `issuer key ${keyId}: algorithm ${algorithmName} is not supported`);
  let key: KeyObject;
  try {
    key = publicKeyText.includes('BEGIN') ? createPublicKey(publicKeyText) : algorithm.publicKeyFromRaw(Buffer.from(publicKeyText, 'base64url'));
  } catch (error) {
    throw new LaneError('TRUST_CHANGE_INVALID', `issuer key ${keyId}: public key does not parse`, { cause: error });
  }
  return { keyId, algorithm: algorithmName, publicKeyText, key, validFromS, validUntilS, revoked };
}

/**
 * The lane's copy of what it must trust and refuse: issuer keys by key id and the deny list, at
 * a version. Changed only through versioned deltas from the gateway (protocol/laneApi.ts).
 */
export class TrustCopy {
  private readonly keys = new Map<number, IssuerKey>();
  private readonly denied = new Map<string, string>();
  version = 0;
  /** Bumped whenever a key changes, so caches of credentials verified with the old keys are dropped. */
  keysEpoch = 0;

  key(keyId: number): IssuerKey | undefined {
    return this.keys.get(keyId);
  }

  isDenied(tokenId: string): boolean {
    return this.denied.has(tokenId);
  }

  allKeys(): IssuerKey[] {
    return [...this.keys.values()];
  }

  deniedTokens(): DeniedToken[] {
    return [...this.denied].map(([tokenId, reason]) => ({ tokenId, reason }));
  }

  /** Load a persisted copy wholesale. */
  load(version: number, keys: IssuerKey[], denied: DeniedToken[]): void {
    this.keys.clear();
    this.denied.clear();
    for (const key of keys) this.keys.set(key.keyId, key);
    for (const entry of denied) this.denied.set(entry.tokenId, entry.reason);
    this.version = version;
    this.keysEpoch++;
  }

  /** Apply one change; its version becomes the copy's version. Throws LaneError on a bad key. */
  apply(change: TrustChange): void {
    switch (change.kind) {
      case 'key.add':
        this.keys.set(change.keyId, issuerKeyFromText(change.keyId, change.algorithm, change.publicKey, change.validFromS, change.validUntilS));
        this.keysEpoch++;
        break;
      case 'key.revoke': {
        const key = this.keys.get(change.keyId);
        if (key) key.revoked = true;
        this.keysEpoch++;
        break;
      }
      case 'deny.add':
        this.denied.set(change.tokenId, change.reason);
        break;
      case 'deny.remove':
        this.denied.delete(change.tokenId);
        break;
    }
    this.version = change.version;
  }
}
