import type { Knex } from 'knex';
import { algorithmByName } from '../../protocol/ridecode/algorithms.js';
import { signCredential } from '../../protocol/ridecode/sign.js';
import type { GatewayConfig } from '../config.js';
import type { GatewayContext } from '../context.js';
import { inTransaction } from '../db/unitOfWork.js';
import { GatewayError, NotFoundError } from '../errors.js';
import { spendableMinor } from '../funding/spendable.js';
import { requireRider, type Rider } from '../riders/riderRecords.js';
import { currencyNumeric } from './currencies.js';
import { findSigningKey } from './issuerKeys.js';

export interface IssuedCredential {
  /** The signed credential bytes, base64url. */
  credential: string;
  keyId: number;
  tokenId: string;
  validFromS: number;
  validUntilS: number;
  offlineLimitMinor: number;
  fareClass: number;
}

/** The offline limit a credential issued now carries: clamp(spendable funds, 0, maxOfflineLimitMinor). */
export async function offlineLimitOf(db: Knex | Knex.Transaction, config: Pick<GatewayConfig, 'maxOfflineLimitMinor'>, rider: Rider, nowMs: number): Promise<number> {
  return Math.min(Math.max(await spendableMinor(db, rider, nowMs), 0), config.maxOfflineLimitMinor);
}

/**
 * Sign a credential for a rider's phone (design.md section 3): its token, fare class, an offline
 * spending limit of clamp(spendable funds, 0, maxOfflineLimitMinor) (gateway/funding/spendable.ts:
 * wallet, pay-later line from the credit score, family payer), a validity window that
 * ends no later than the issuer key's, and the phone's public key. Recorded for audit.
 */
export async function issueCredential(ctx: GatewayContext, riderId: string, phoneId: string): Promise<IssuedCredential> {
  return inTransaction(ctx.knex, async ({ trx }) => {
    const now = ctx.clock.now();
    const rider = await requireRider(trx, riderId);
    const phone = await trx('phones').where({ id: phoneId, rider_id: rider.id }).first();
    if (!phone) throw new NotFoundError('PHONE_NOT_FOUND', `phone ${phoneId} of rider ${riderId}`);
    const token = await trx('tokens').where({ phone_id: phoneId }).orderBy('created_at', 'desc').first('id');
    if (!token) throw new NotFoundError('TOKEN_NOT_FOUND', `token of phone ${phoneId}`);
    const key = await findSigningKey(trx, now);
    if (!key) throw new GatewayError('NO_SIGNING_KEY', 'no issuer key is valid now; create one with POST /api/keys');
    const issuerAlgorithm = algorithmByName(key.algorithm);
    const phoneAlgorithm = algorithmByName(String(phone.algorithm));
    if (!issuerAlgorithm || !phoneAlgorithm) throw new GatewayError('ALGORITHM_UNSUPPORTED', 'key algorithm is not supported');

    const offlineLimitMinor = await offlineLimitOf(trx, ctx.config, rider, now);
    const nowS = Math.floor(now / 1000);
    const validFromS = Math.max(nowS - ctx.config.credentialBackdateS, key.validFromS);
    const validUntilS = Math.min(nowS + ctx.config.credentialValidForS, key.validUntilS);
    const raw = signCredential(
      {
        issuerAlgorithmId: issuerAlgorithm.id,
        keyId: key.keyId,
        tokenId: String(token.id),
        fareClass: rider.fareClass,
        offlineLimitMinor,
        currencyNumeric: currencyNumeric(rider.currency),
        validFromS,
        validUntilS,
        phoneAlgorithmId: phoneAlgorithm.id,
        phonePublicKey: Buffer.from(String(phone.public_key), 'base64url'),
      },
      key.privateKey,
    );
    await trx('credentials_issued').insert({
      id: ctx.ids(),
      rider_id: rider.id,
      phone_id: phoneId,
      token_id: token.id,
      key_id: key.keyId,
      fare_class: rider.fareClass,
      offline_limit_minor: offlineLimitMinor,
      valid_from_s: validFromS,
      valid_until_s: validUntilS,
      issued_at: now,
    });
    return { credential: raw.toString('base64url'), keyId: key.keyId, tokenId: String(token.id), validFromS, validUntilS, offlineLimitMinor, fareClass: rider.fareClass };
  });
}
