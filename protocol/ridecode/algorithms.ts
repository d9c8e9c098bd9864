import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

/**
 * Signature algorithms a ride code can name (docs/ride-code-format.md, "Algorithm ids").
 * Only Ed25519 is implemented; the id byte leaves room for ECDSA P-256 (2) and SM2 (3),
 * whose keys and signatures have their own lengths.
 */
export interface SignatureAlgorithm {
  readonly id: number;
  readonly name: string;
  readonly publicKeyBytes: number;
  readonly signatureBytes: number;
  publicKeyFromRaw(raw: Uint8Array): KeyObject;
  rawFromPublicKey(key: KeyObject): Buffer;
  sign(data: Uint8Array, privateKey: KeyObject): Buffer;
  verify(data: Uint8Array, publicKey: KeyObject, signature: Uint8Array): boolean;
}

// DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410 section 4), followed by the 32 raw bytes.
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export const ED25519: SignatureAlgorithm = {
  id: 1,
  name: 'ed25519',
  publicKeyBytes: 32,
  signatureBytes: 64,
  publicKeyFromRaw(raw) {
    // As a JWK, not DER: OpenSSL 3 imports the raw point directly, about nine times faster than
    // through its DER decoder (7 against 66 us), and a lane imports a phone key per new credential.
    if (raw.length !== 32) throw new RangeError(`an Ed25519 public key is 32 bytes, got ${raw.length}`);
    return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });
  },
  rawFromPublicKey(key) {
    return key.export({ format: 'der', type: 'spki' }).subarray(ED25519_SPKI_PREFIX.length);
  },
  sign(data, privateKey) {
    return sign(null, data, privateKey);
  },
  verify(data, publicKey, signature) {
    return verify(null, data, publicKey, signature);
  },
};

const BY_ID = new Map<number, SignatureAlgorithm>([[ED25519.id, ED25519]]);
const BY_NAME = new Map<string, SignatureAlgorithm>([[ED25519.name, ED25519]]);

export function algorithmById(id: number): SignatureAlgorithm | undefined {
  return BY_ID.get(id);
}

export function algorithmByName(name: string): SignatureAlgorithm | undefined {
  return BY_NAME.get(name);
}

export function privateKeyFromPem(pem: string): KeyObject {
  return createPrivateKey(pem);
}
