import { createPublicKey, type KeyObject } from 'node:crypto';
import type { TrustChange } from '../../protocol/laneApi.js';
import { algorithmByName } from '../../protocol/ridecode/algorithms.js';
import { normalisePlate } from '../../protocol/toll.js';
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

/** A registered vehicle (tolls): its tag and plate map to the account credential tokenId. */
export interface RegisteredVehicle {
  tokenId: string;
  tagId: string | null;
  /** Normalised (protocol/toll.ts normalisePlate). */
  plate: string;
  vehicleClass: string;
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
  private readonly vehicles = new Map<string, RegisteredVehicle>();
  private readonly vehicleByTag = new Map<string, RegisteredVehicle>();
  private readonly vehicleByPlate = new Map<string, RegisteredVehicle>();
  version = 0;
  /** Bumped whenever a key changes, so caches of credentials verified with the old keys are dropped. */
  keysEpoch = 0;

  key(keyId: number): IssuerKey | undefined {
    return this.keys.get(keyId);
  }

  isDenied(tokenId: string): boolean {
    return this.denied.has(tokenId);
  }

  /** Why a token is on the deny list (the gateway's reason, e.g. ARREARS), or undefined. */
  denyReason(tokenId: string): string | undefined {
    return this.denied.get(tokenId);
  }

  vehicleOfTag(tagId: string): RegisteredVehicle | undefined {
    return this.vehicleByTag.get(tagId);
  }

  vehicleOfPlate(plate: string): RegisteredVehicle | undefined {
    return this.vehicleByPlate.get(normalisePlate(plate));
  }

  allVehicles(): RegisteredVehicle[] {
    return [...this.vehicles.values()];
  }

  allKeys(): IssuerKey[] {
    return [...this.keys.values()];
  }

  deniedTokens(): DeniedToken[] {
    return [...this.denied].map(([tokenId, reason]) => ({ tokenId, reason }));
  }

  /** Load a persisted copy wholesale. */
  load(version: number, keys: IssuerKey[], denied: DeniedToken[], vehicles: RegisteredVehicle[] = []): void {
    this.keys.clear();
    this.denied.clear();
    this.vehicles.clear();
    this.vehicleByTag.clear();
    this.vehicleByPlate.clear();
    for (const key of keys) this.keys.set(key.keyId, key);
    for (const entry of denied) this.denied.set(entry.tokenId, entry.reason);
    for (const vehicle of vehicles) this.addVehicle(vehicle);
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
      case 'vehicle.add':
        this.addVehicle(vehicleOfChange(change));
        break;
      case 'vehicle.remove':
        this.removeVehicle(change.tokenId);
        break;
    }
    this.version = change.version;
  }

  /** A vehicle added again replaces its earlier entry (laneApi.ts TrustChange). */
  private addVehicle(vehicle: RegisteredVehicle): void {
    this.removeVehicle(vehicle.tokenId);
    this.vehicles.set(vehicle.tokenId, vehicle);
    if (vehicle.tagId) this.vehicleByTag.set(vehicle.tagId, vehicle);
    this.vehicleByPlate.set(vehicle.plate, vehicle);
  }

  private removeVehicle(tokenId: string): void {
    const earlier = this.vehicles.get(tokenId);
    if (!earlier) return;
    this.vehicles.delete(tokenId);
    if (earlier.tagId && this.vehicleByTag.get(earlier.tagId) === earlier) this.vehicleByTag.delete(earlier.tagId);
    if (this.vehicleByPlate.get(earlier.plate) === earlier) this.vehicleByPlate.delete(earlier.plate);
  }
}

export function vehicleOfChange(change: Extract<TrustChange, { kind: 'vehicle.add' }>): RegisteredVehicle {
  return { tokenId: change.tokenId, tagId: change.tagId ? change.tagId.toUpperCase() : null, plate: normalisePlate(change.plate), vehicleClass: change.vehicleClass };
}
