import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { Knex } from 'knex';
import type { TrustChange } from '../../protocol/laneApi.js';
import { ED25519, privateKeyFromPem } from '../../protocol/ridecode/algorithms.js';
import { publishAfterCommit, type GatewayContext } from '../context.js';
import { lockForTransaction } from '../db/locks.js';
import { toNullableNumber, toNumber } from '../db/rows.js';
import { inTransaction } from '../db/unitOfWork.js';
import { GatewayError, NotFoundError } from '../errors.js';
import { appendTrustChange } from '../trust/trustLog.js';

/** The public part of an issuer key, as GET /api/keys shows it. */
export interface IssuerKey {
  keyId: number;
  algorithm: string;
  publicKey: string;
  validFromS: number;
  validUntilS: number;
  createdAt: number;
  revokedAt: number | null;
}

export interface SigningKey extends IssuerKey {
  privateKey: KeyObject;
}

const MAX_KEY_ID = 0xffff; // u16 in the credential format

function fromRow(row: Record<string, unknown>): IssuerKey {
  return {
    keyId: toNumber(row.kid),
    algorithm: String(row.algorithm),
    publicKey: String(row.public_key),
    validFromS: toNumber(row.valid_from_s),
    validUntilS: toNumber(row.valid_until_s),
    createdAt: toNumber(row.created_at),
    revokedAt: toNullableNumber(row.revoked_at),
  };
}

/**
 * Create an issuer key (Ed25519) and announce it as a key.add trust change, so lanes know it
 * before any credential signed with it reaches a gate. Credentials are signed with the newest
 * valid key: creating one is a rotation; the older key stays valid until it expires or is revoked.
 */
export async function createIssuerKey(ctx: GatewayContext, trx: Knex.Transaction, validForS = ctx.config.issuerKeyValidForS): Promise<{ key: IssuerKey; change: TrustChange }> {
  await lockForTransaction(trx, 'issuer_keys');
  const now = ctx.clock.now();
  const newest = await trx('issuer_keys').max({ kid: 'kid' }).first();
  const keyId = Number(newest?.kid ?? 0) + 1;
  if (keyId > MAX_KEY_ID) throw new Error('issuer key ids are exhausted');
  const pair = generateKeyPairSync('ed25519');
  const validFromS = Math.floor(now / 1000) - ctx.config.credentialBackdateS;
  const key: IssuerKey = {
    keyId,
    algorithm: ED25519.name,
    publicKey: ED25519.rawFromPublicKey(pair.publicKey).toString('base64url'),
    validFromS,
    validUntilS: validFromS + validForS,
    createdAt: now,
    revokedAt: null,
  };
  await trx('issuer_keys').insert({
    kid: key.keyId,
    algorithm: key.algorithm,
    public_key: key.publicKey,
    private_key_pem: pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    valid_from_s: key.validFromS,
    valid_until_s: key.validUntilS,
    created_at: now,
  });
  const change = await appendTrustChange(trx, now, { kind: 'key.add', keyId, algorithm: key.algorithm, publicKey: key.publicKey, validFromS: key.validFromS, validUntilS: key.validUntilS });
  return { key, change };
}

export async function rotateIssuerKey(ctx: GatewayContext, validForS?: number): Promise<IssuerKey> {
  return inTransaction(ctx.knex, async (unit) => {
    const { key, change } = await createIssuerKey(ctx, unit.trx, validForS);
    publishAfterCommit(ctx, unit, [change]);
    return key;
  });
}

/** At start: make sure some key can sign credentials now, creating one if none can. */
export async function ensureIssuerKey(ctx: GatewayContext): Promise<IssuerKey> {
  return inTransaction(ctx.knex, async (unit) => {
    const current = await findSigningKey(unit.trx, ctx.clock.now());
    if (current) return current;
    const { key, change } = await createIssuerKey(ctx, unit.trx);
    publishAfterCommit(ctx, unit, [change]);
    return key;
  });
}

export async function revokeIssuerKey(ctx: GatewayContext, keyId: number): Promise<TrustChange> {
  return inTransaction(ctx.knex, async (unit) => {
    const { trx } = unit;
    const row = await trx('issuer_keys').where({ kid: keyId }).first();
    if (!row) throw new NotFoundError('KEY_NOT_FOUND', `issuer key ${keyId}`);
    if (row.revoked_at !== null && row.revoked_at !== undefined) throw new GatewayError('KEY_ALREADY_REVOKED', `issuer key ${keyId} is already revoked`);
    const now = ctx.clock.now();
    await trx('issuer_keys').where({ kid: keyId }).update({ revoked_at: now });
    const change = await appendTrustChange(trx, now, { kind: 'key.revoke', keyId });
    publishAfterCommit(ctx, unit, [change]);
    return change;
  });
}

/** The newest unrevoked key valid at `nowMs`, with its private part. */
export async function findSigningKey(db: Knex | Knex.Transaction, nowMs: number): Promise<SigningKey | undefined> {
  const nowS = Math.floor(nowMs / 1000);
  const row = await db('issuer_keys').whereNull('revoked_at').where('valid_from_s', '<=', nowS).where('valid_until_s', '>', nowS).orderBy('kid', 'desc').first();
  return row ? { ...fromRow(row), privateKey: privateKeyFromPem(String(row.private_key_pem)) } : undefined;
}

export async function listIssuerKeys(db: Knex | Knex.Transaction): Promise<IssuerKey[]> {
  const rows = await db('issuer_keys').orderBy('kid').select('kid', 'algorithm', 'public_key', 'valid_from_s', 'valid_until_s', 'created_at', 'revoked_at');
  return rows.map(fromRow);
}
