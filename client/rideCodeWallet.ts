import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { ED25519 } from '../protocol/ridecode/algorithms.js';
import { parseCredential, type RideCredential } from '../protocol/ridecode/format.js';
import { signCode } from '../protocol/ridecode/sign.js';

/**
 * What a rider's phone keeps: its own key pair (the private key never leaves the phone) and
 * the credential the gateway issued for that key. `code()` works offline.
 */
export class RideCodeWallet {
  private credentialRaw: Buffer | undefined;
  private parsed: RideCredential | undefined;
  private counter = 0;

  constructor(private readonly privateKey: KeyObject, readonly publicKey: KeyObject) {}

  static generate(): RideCodeWallet {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    return new RideCodeWallet(privateKey, publicKey);
  }

  /** Raw public key, base64url, as the enrolment API takes it. */
  get publicKeyBase64url(): string {
    return ED25519.rawFromPublicKey(this.publicKey).toString('base64url');
  }

  /** Store a credential fetched from the gateway (base64url). */
  setCredential(credentialBase64url: string): RideCredential {
    const raw = Buffer.from(credentialBase64url, 'base64url');
    const parsed = parseCredential(raw);
    if (!parsed.phonePublicKey.equals(ED25519.rawFromPublicKey(this.publicKey))) throw new Error('credential was issued for another phone key');
    this.credentialRaw = raw;
    this.parsed = parsed;
    return parsed;
  }

  get credential(): RideCredential | undefined {
    return this.parsed;
  }

  /** Seconds until the credential runs out; a real app refreshes it well before. */
  credentialRemainingS(nowMs: number): number {
    return this.parsed ? this.parsed.validUntilS - Math.floor(nowMs / 1000) : 0;
  }

  /** A fresh, signed ride code for this instant (text form, for a QR code). */
  code(nowMs: number = Date.now()): string {
    if (!this.credentialRaw) throw new Error('no credential: enrol and fetch one while online');
    this.counter = (this.counter + 1) >>> 0;
    return signCode(this.credentialRaw, ED25519.id, this.privateKey, Math.floor(nowMs / 1000), this.counter);
  }
}
