import { algorithmById, type SignatureAlgorithm } from './algorithms.js';
import type { DenyReason } from '../denyReasons.js';

/**
 * The two-level ride code, byte by byte (docs/ride-code-format.md).
 *
 * Credential (signed by the issuer, valid hours to a day):
 *   0  u8   credential format version (1)
 *   1  u8   issuer signature algorithm id
 *   2  u16  issuer key id
 *   4  16B  token id (pseudonymous; never the rider id)
 *   20 u8   fare class
 *   21 u32  offline limit, minor units
 *   25 u16  currency, ISO 4217 numeric
 *   27 u32  valid from, Unix seconds
 *   31 u32  valid until, Unix seconds
 *   35 u8   phone key algorithm id
 *   36 P    phone public key (P bytes, by algorithm)
 *   ..  S   issuer signature over "TPK1" + bytes [0, 36+P)
 *
 * Code (signed by the phone, valid seconds):
 *   0  u8   code format version (1)
 *   1  u16  credential length L
 *   3  L    credential
 *   3+L u32 generated at, Unix seconds
 *   7+L u32 counter
 *   11+L S  phone signature over "TPC1" + bytes [0, 11+L)
 *
 * Text form: "TP1." + base64url (RFC 4648 section 5, no padding).
 */
export const CODE_TEXT_PREFIX = 'TP1.';
export const CREDENTIAL_VERSION = 1;
export const CODE_VERSION = 1;
export const MAX_CODE_TEXT_CHARS = 600;
export const TOKEN_ID_BYTES = 16;
export const CREDENTIAL_DOMAIN = Buffer.from('TPK1', 'ascii');
export const CODE_DOMAIN = Buffer.from('TPC1', 'ascii');
const CREDENTIAL_FIXED_BYTES = 36;
const CODE_HEADER_BYTES = 3;
const CODE_TRAILER_FIXED_BYTES = 8;

export class RideCodeFormatError extends Error {
  constructor(readonly reason: DenyReason, message: string) {
    super(message);
    this.name = 'RideCodeFormatError';
  }
}

export interface CredentialFields {
  issuerAlgorithmId: number;
  keyId: number;
  tokenId: string; // 32 lowercase hex characters
  fareClass: number;
  offlineLimitMinor: number;
  currencyNumeric: number;
  validFromS: number;
  validUntilS: number;
  phoneAlgorithmId: number;
  phonePublicKey: Buffer;
}

export interface RideCredential extends CredentialFields {
  version: number;
  /** The bytes the issuer signed (without the domain tag). */
  signedBytes: Buffer;
  signature: Buffer;
  /** The whole credential, as it appears inside a code. */
  raw: Buffer;
}

export interface RideCode {
  version: number;
  credential: RideCredential;
  generatedAtS: number;
  counter: number;
  signedBytes: Buffer;
  /** Empty when the signature was stripped; the verifier denies that as a forgery. */
  signature: Buffer;
}

function requireAlgorithm(id: number): SignatureAlgorithm {
  const algorithm = algorithmById(id);
  if (!algorithm) throw new RideCodeFormatError('ALGORITHM_UNSUPPORTED', `signature algorithm id ${id} is not supported`);
  return algorithm;
}

function checkU32(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError(`${name} must be a uint32, got ${value}`);
}

/** The bytes an issuer signs for a credential (the signature is appended by `assembleCredential`). */
export function encodeCredentialBody(fields: CredentialFields): Buffer {
  const phoneAlgorithm = requireAlgorithm(fields.phoneAlgorithmId);
  requireAlgorithm(fields.issuerAlgorithmId);
  if (!/^[0-9a-f]{32}$/.test(fields.tokenId)) throw new RangeError('tokenId must be 32 lowercase hex characters');
  if (fields.phonePublicKey.length !== phoneAlgorithm.publicKeyBytes) throw new RangeError('phone public key has the wrong length');
  for (const [name, value] of Object.entries({ offlineLimitMinor: fields.offlineLimitMinor, validFromS: fields.validFromS, validUntilS: fields.validUntilS })) checkU32(name, value);
  const body = Buffer.alloc(CREDENTIAL_FIXED_BYTES + phoneAlgorithm.publicKeyBytes);
  body.writeUInt8(CREDENTIAL_VERSION, 0);
  body.writeUInt8(fields.issuerAlgorithmId, 1);
  body.writeUInt16BE(fields.keyId, 2);
  Buffer.from(fields.tokenId, 'hex').copy(body, 4);
  body.writeUInt8(fields.fareClass, 20);
  body.writeUInt32BE(fields.offlineLimitMinor, 21);
  body.writeUInt16BE(fields.currencyNumeric, 25);
  body.writeUInt32BE(fields.validFromS, 27);
  body.writeUInt32BE(fields.validUntilS, 31);
  body.writeUInt8(fields.phoneAlgorithmId, 35);
  fields.phonePublicKey.copy(body, 36);
  return body;
}

export function encodeCodeBody(credentialRaw: Buffer, generatedAtS: number, counter: number): Buffer {
  checkU32('generatedAtS', generatedAtS);
  checkU32('counter', counter);
  const body = Buffer.alloc(CODE_HEADER_BYTES + credentialRaw.length + CODE_TRAILER_FIXED_BYTES);
  body.writeUInt8(CODE_VERSION, 0);
  body.writeUInt16BE(credentialRaw.length, 1);
  credentialRaw.copy(body, CODE_HEADER_BYTES);
  body.writeUInt32BE(generatedAtS, CODE_HEADER_BYTES + credentialRaw.length);
  body.writeUInt32BE(counter, CODE_HEADER_BYTES + credentialRaw.length + 4);
  return body;
}

export function codeToText(bytes: Buffer): string {
  return CODE_TEXT_PREFIX + bytes.toString('base64url');
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Text form to bytes. Throws RideCodeFormatError with a stable reason. */
export function codeBytesFromText(text: string): Buffer {
  if (text.length > MAX_CODE_TEXT_CHARS) throw new RideCodeFormatError('CODE_TOO_LARGE', `code is ${text.length} characters, limit ${MAX_CODE_TEXT_CHARS}`);
  if (!text.startsWith(CODE_TEXT_PREFIX)) {
    if (/^TP\d+\./.test(text)) throw new RideCodeFormatError('VERSION_UNSUPPORTED', 'unknown ride code text version');
    throw new RideCodeFormatError('FORMAT_INVALID', 'missing TP1. prefix');
  }
  const payload = text.slice(CODE_TEXT_PREFIX.length);
  if (!BASE64URL.test(payload) || payload.length % 4 === 1) throw new RideCodeFormatError('FORMAT_INVALID', 'payload is not base64url');
  return Buffer.from(payload, 'base64url');
}

export function parseCredential(raw: Buffer): RideCredential {
  if (raw.length < CREDENTIAL_FIXED_BYTES) throw new RideCodeFormatError('FORMAT_INVALID', 'credential truncated');
  const version = raw.readUInt8(0);
  if (version !== CREDENTIAL_VERSION) throw new RideCodeFormatError('VERSION_UNSUPPORTED', `credential version ${version}`);
  const issuerAlgorithm = requireAlgorithm(raw.readUInt8(1));
  const phoneAlgorithm = requireAlgorithm(raw.readUInt8(35));
  const bodyLength = CREDENTIAL_FIXED_BYTES + phoneAlgorithm.publicKeyBytes;
  if (raw.length !== bodyLength + issuerAlgorithm.signatureBytes) throw new RideCodeFormatError('FORMAT_INVALID', 'credential has the wrong length');
  return {
    version,
    issuerAlgorithmId: issuerAlgorithm.id,
    keyId: raw.readUInt16BE(2),
    tokenId: raw.subarray(4, 20).toString('hex'),
    fareClass: raw.readUInt8(20),
    offlineLimitMinor: raw.readUInt32BE(21),
    currencyNumeric: raw.readUInt16BE(25),
    validFromS: raw.readUInt32BE(27),
    validUntilS: raw.readUInt32BE(31),
    phoneAlgorithmId: phoneAlgorithm.id,
    phonePublicKey: raw.subarray(36, bodyLength),
    signedBytes: raw.subarray(0, bodyLength),
    signature: raw.subarray(bodyLength),
    raw,
  };
}

/** Bytes to a parsed code. Checks structure only; signatures are the verifier's job. */
export function parseCode(bytes: Buffer): RideCode {
  if (bytes.length < CODE_HEADER_BYTES) throw new RideCodeFormatError('FORMAT_INVALID', 'code truncated');
  const version = bytes.readUInt8(0);
  if (version !== CODE_VERSION) throw new RideCodeFormatError('VERSION_UNSUPPORTED', `code version ${version}`);
  const credentialLength = bytes.readUInt16BE(1);
  const signedLength = CODE_HEADER_BYTES + credentialLength + CODE_TRAILER_FIXED_BYTES;
  if (bytes.length < signedLength) throw new RideCodeFormatError('FORMAT_INVALID', 'code truncated');
  const credential = parseCredential(bytes.subarray(CODE_HEADER_BYTES, CODE_HEADER_BYTES + credentialLength));
  const phoneAlgorithm = requireAlgorithm(credential.phoneAlgorithmId);
  const signature = bytes.subarray(signedLength);
  // A code cut right after its signed part had its signature stripped: a forgery, reported as such.
  if (signature.length !== 0 && signature.length !== phoneAlgorithm.signatureBytes) throw new RideCodeFormatError('FORMAT_INVALID', 'code signature has the wrong length');
  return {
    version,
    credential,
    generatedAtS: bytes.readUInt32BE(CODE_HEADER_BYTES + credentialLength),
    counter: bytes.readUInt32BE(CODE_HEADER_BYTES + credentialLength + 4),
    signedBytes: bytes.subarray(0, signedLength),
    signature,
  };
}

export function parseCodeText(text: string): RideCode {
  return parseCode(codeBytesFromText(text));
}
