import type { KeyObject } from 'node:crypto';
import type { DenyReason } from '../../protocol/denyReasons.js';
import { algorithmById } from '../../protocol/ridecode/algorithms.js';
import { parseCodeText, RideCodeFormatError, type RideCode } from '../../protocol/ridecode/format.js';
import { verifyCodeSignature, verifyCredentialSignature } from '../../protocol/ridecode/sign.js';
import type { TrustCopy } from '../trust/trustCopy.js';
import { CredentialCache } from './credentialCache.js';

export interface ValidatorOptions {
  codeFreshnessS: number;
  clockSkewToleranceS: number;
  credentialCacheSize: number;
}

export type CodeVerdict = { ok: true; code: RideCode } | { ok: false; reason: DenyReason; code?: RideCode };

/**
 * The offline, synchronous checks of a ride code (design section 3), in the order of
 * protocol/denyReasons.ts, from the format to the deny list. The station-wide checks that need
 * the hot store (code already used, passback) and the offline limit follow in ScanDecider.
 */
export class RideCodeValidator {
  readonly cache: CredentialCache;

  constructor(private readonly trust: TrustCopy, private readonly options: ValidatorOptions) {
    this.cache = new CredentialCache(options.credentialCacheSize);
  }

  validate(text: string, nowMs: number): CodeVerdict {
    let code: RideCode;
    try {
      code = parseCodeText(text);
    } catch (error) {
      if (error instanceof RideCodeFormatError) return { ok: false, reason: error.reason };
      throw error;
    }
    const reason = this.check(code, nowMs / 1000);
    return reason ? { ok: false, reason, code } : { ok: true, code };
  }

  private check(code: RideCode, nowS: number): DenyReason | undefined {
    const credential = code.credential;
    const skewS = this.options.clockSkewToleranceS;
    const issuerKey = this.trust.key(credential.keyId);
    if (!issuerKey) return 'KEY_UNKNOWN';
    if (issuerKey.revoked) return 'KEY_REVOKED';
    // The issuer signs only while its key is valid: a credential dated outside that window was not issued by it.
    if (credential.validFromS < issuerKey.validFromS || credential.validFromS > issuerKey.validUntilS) return 'KEY_NOT_IN_VALIDITY';
    let phoneKey = this.cache.phoneKeyOf(credential.signature, credential.raw, this.trust.keysEpoch);
    if (!phoneKey) {
      if (!verifyCredentialSignature(credential, issuerKey.key)) return 'CREDENTIAL_FORGED';
      phoneKey = this.phoneKeyOf(code);
      if (!phoneKey) return 'CREDENTIAL_FORGED';
      this.cache.remember(credential.signature, credential.raw, phoneKey);
    }
    if (nowS < credential.validFromS - skewS) return 'CREDENTIAL_NOT_YET_VALID';
    if (nowS > credential.validUntilS + skewS) return 'CREDENTIAL_EXPIRED';
    // A stripped signature is a forgery (design section 3), never an "unsigned" code.
    if (code.signature.length === 0) return 'CODE_SIGNATURE_MISSING';
    if (!verifyCodeSignature(code, phoneKey)) return 'CODE_FORGED';
    if (nowS - code.generatedAtS > this.options.codeFreshnessS + skewS) return 'CODE_STALE';
    if (code.generatedAtS - nowS > skewS) return 'CODE_FROM_FUTURE';
    if (this.trust.isDenied(credential.tokenId)) return 'TOKEN_DENIED';
    return undefined;
  }

  private phoneKeyOf(code: RideCode): KeyObject | undefined {
    try {
      return algorithmById(code.credential.phoneAlgorithmId)?.publicKeyFromRaw(code.credential.phonePublicKey);
    } catch {
      // An issuer-signed credential whose phone key does not parse: the issuer would never sign one.
      return undefined;
    }
  }
}
