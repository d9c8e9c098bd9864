// The ride code, byte by byte (docs/ride-code-format.md), as protocol/ridecode/format.ts and
// sign.ts write it, for a browser acting as the rider's phone: WebCrypto Ed25519, no build step.

export const CODE_TEXT_PREFIX = 'TP1.';
const CODE_VERSION = 1;
const CREDENTIAL_VERSION = 1;
/** The phone signs "TPC1" + the code's bytes, so its signature can never pass as an issuer's. */
const CODE_DOMAIN = new TextEncoder().encode('TPC1');
export const ED25519_ID = 1;
const ED25519_PUBLIC_KEY_BYTES = 32;
const CREDENTIAL_FIXED_BYTES = 36;

export function bytesToBase64url(bytes) {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

export function base64urlToBytes(text) {
  const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

const hex = (bytes) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');

/** What the page shows of a credential (the credential table of docs/ride-code-format.md). */
export function readCredential(bytes) {
  if (bytes.length < CREDENTIAL_FIXED_BYTES + ED25519_PUBLIC_KEY_BYTES || bytes[0] !== CREDENTIAL_VERSION) throw new Error('not a version 1 credential');
  if (bytes[35] !== ED25519_ID) throw new Error(`phone key algorithm ${bytes[35]} is not Ed25519`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    keyId: view.getUint16(2),
    tokenId: hex(bytes.subarray(4, 20)),
    fareClass: bytes[20],
    offlineLimitMinor: view.getUint32(21),
    currencyNumeric: view.getUint16(25),
    validFromS: view.getUint32(27),
    validUntilS: view.getUint32(31),
    phonePublicKey: bytes.slice(CREDENTIAL_FIXED_BYTES, CREDENTIAL_FIXED_BYTES + ED25519_PUBLIC_KEY_BYTES),
  };
}

/** The signed part of a code: version, credential length, credential, generated at, counter. */
export function codeBody(credential, generatedAtS, counter) {
  const body = new Uint8Array(3 + credential.length + 8);
  const view = new DataView(body.buffer);
  body[0] = CODE_VERSION;
  view.setUint16(1, credential.length);
  body.set(credential, 3);
  view.setUint32(3 + credential.length, generatedAtS);
  view.setUint32(7 + credential.length, counter >>> 0);
  return body;
}

/** A fresh code's text form: "TP1." + base64url(body + Ed25519 signature over "TPC1" + body). */
export async function signCode(privateKey, credential, generatedAtS, counter) {
  const body = codeBody(credential, generatedAtS, counter);
  const signature = new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, privateKey, concat(CODE_DOMAIN, body)));
  return CODE_TEXT_PREFIX + bytesToBase64url(concat(body, signature));
}
