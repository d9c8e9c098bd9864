import type { KeyObject } from 'node:crypto';
import { algorithmById, type SignatureAlgorithm } from './algorithms.js';
import {
  CODE_DOMAIN,
  CREDENTIAL_DOMAIN,
  codeToText,
  encodeCodeBody,
  encodeCredentialBody,
  RideCodeFormatError,
  type CredentialFields,
  type RideCode,
  type RideCredential,
} from './format.js';

function algorithm(id: number): SignatureAlgorithm {
  const found = algorithmById(id);
  if (!found) throw new RideCodeFormatError('ALGORITHM_UNSUPPORTED', `signature algorithm id ${id} is not supported`);
  return found;
}

/** Issuer side: the whole signed credential, ready to hand to a phone. */
export function signCredential(fields: CredentialFields, issuerPrivateKey: KeyObject): Buffer {
  const body = encodeCredentialBody(fields);
  const signature = algorithm(fields.issuerAlgorithmId).sign(Buffer.concat([CREDENTIAL_DOMAIN, body]), issuerPrivateKey);
  return Buffer.concat([body, signature]);
}

/** Phone side: a fresh code for this instant. No network needed. */
export function signCode(credentialRaw: Buffer, phoneAlgorithmId: number, phonePrivateKey: KeyObject, generatedAtS: number, counter: number): string {
  const body = encodeCodeBody(credentialRaw, generatedAtS, counter);
  const signature = algorithm(phoneAlgorithmId).sign(Buffer.concat([CODE_DOMAIN, body]), phonePrivateKey);
  return codeToText(Buffer.concat([body, signature]));
}

export function verifyCredentialSignature(credential: RideCredential, issuerPublicKey: KeyObject): boolean {
  return algorithm(credential.issuerAlgorithmId).verify(Buffer.concat([CREDENTIAL_DOMAIN, credential.signedBytes]), issuerPublicKey, credential.signature);
}

export function verifyCodeSignature(code: RideCode, phonePublicKey: KeyObject): boolean {
  if (code.signature.length === 0) return false;
  return algorithm(code.credential.phoneAlgorithmId).verify(Buffer.concat([CODE_DOMAIN, code.signedBytes]), phonePublicKey, code.signature);
}
