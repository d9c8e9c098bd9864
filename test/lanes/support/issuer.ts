import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { RideCodeWallet } from '../../../client/rideCodeWallet.js';
import type { TrustChange } from '../../../protocol/laneApi.js';
import { ED25519 } from '../../../protocol/ridecode/algorithms.js';
import type { CredentialFields } from '../../../protocol/ridecode/format.js';
import { signCredential } from '../../../protocol/ridecode/sign.js';

/** A test issuer: an Ed25519 key under a key id, issuing credentials to phones as the gateway would. */
export class TestIssuer {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;

  constructor(readonly keyId: number, readonly validFromS: number, readonly validUntilS: number) {
    const pair = generateKeyPairSync('ed25519');
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey;
  }

  static around(nowMs: number, keyId = 1): TestIssuer {
    const nowS = Math.floor(nowMs / 1000);
    return new TestIssuer(keyId, nowS - 86_400, nowS + 30 * 86_400);
  }

  keyAdd(version: number, at = Date.now()): TrustChange {
    return {
      version,
      at,
      kind: 'key.add',
      keyId: this.keyId,
      algorithm: 'ed25519',
      publicKey: ED25519.rawFromPublicKey(this.publicKey).toString('base64url'),
      validFromS: this.validFromS,
      validUntilS: this.validUntilS,
    };
  }

  /** A phone holding a credential from this issuer; fields may be overridden to craft bad ones. */
  wallet(nowMs: number, overrides: Partial<CredentialFields> = {}): RideCodeWallet {
    const wallet = RideCodeWallet.generate();
    const nowS = Math.floor(nowMs / 1000);
    const fields: CredentialFields = {
      issuerAlgorithmId: ED25519.id,
      keyId: this.keyId,
      tokenId: randomBytes(16).toString('hex'),
      fareClass: 0,
      offlineLimitMinor: 2000,
      currencyNumeric: 978,
      validFromS: nowS - 3600,
      validUntilS: nowS + 86_400,
      phoneAlgorithmId: ED25519.id,
      phonePublicKey: ED25519.rawFromPublicKey(wallet.publicKey),
      ...overrides,
    };
    wallet.setCredential(signCredential(fields, this.privateKey).toString('base64url'));
    return wallet;
  }
}

export function codeBytes(text: string): Buffer {
  return Buffer.from(text.slice('TP1.'.length), 'base64url');
}

export function textOf(bytes: Buffer): string {
  return `TP1.${bytes.toString('base64url')}`;
}

/** The code with one byte flipped at offset (negative: from the end). */
export function flipByte(text: string, offset: number): string {
  const bytes = codeBytes(text);
  const at = offset < 0 ? bytes.length + offset : offset;
  bytes[at] ^= 0x01;
  return textOf(bytes);
}

/** The code with its phone signature cut off. */
export function stripSignature(text: string): string {
  const bytes = codeBytes(text);
  return textOf(bytes.subarray(0, bytes.length - ED25519.signatureBytes));
}
