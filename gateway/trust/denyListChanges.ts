import { z } from 'zod';
import type { TrustChange } from '../../protocol/laneApi.js';
import { publishAfterCommit, type GatewayContext } from '../context.js';
import { inTransaction } from '../db/unitOfWork.js';
import { GatewayError, NotFoundError } from '../errors.js';
import { requireRider, tokensOfRider } from '../riders/riderRecords.js';
import { denyToken, releaseToken } from './denyList.js';

/** A rider's or vehicle's credential token: 32 lower-case hexadecimal digits. */
export const TokenId = z.string().regex(/^[0-9a-f]{32}$/, '32 lower-case hexadecimal digits');
export const DenyReason = z.string().trim().min(1, 'say why').max(64);

/** One token, or every token of a rider (their phones and vehicles). */
export type DenyTarget = { tokenId: string } | { riderId: string };

export interface DenyListChange {
  /** The newest trust version once the change is made. */
  version: number;
  tokenIds: string[];
}

/**
 * Deny a token, or every token of a rider, at every gate and gantry (lanes get it as deny.add
 * trust changes within seconds). Tokens already denied keep their entry; an unknown token is
 * TOKEN_NOT_FOUND, an unknown rider RIDER_NOT_FOUND. The API and the console both change the deny list here.
 */
export async function addToDenyList(ctx: GatewayContext, target: DenyTarget, reason: string): Promise<DenyListChange> {
  return inTransaction(ctx.knex, async (unit) => {
    const now = ctx.clock.now();
    let tokenIds: string[];
    if ('tokenId' in target) {
      const known = (await unit.trx('tokens').where({ id: target.tokenId }).first('id')) ?? (await unit.trx('vehicles').where({ token_id: target.tokenId }).first('id'));
      if (!known) throw new NotFoundError('TOKEN_NOT_FOUND', `token ${target.tokenId}`);
      tokenIds = [target.tokenId];
    } else tokenIds = await tokensOfRider(unit.trx, (await requireRider(unit.trx, target.riderId)).id);
    const changes: Array<TrustChange | undefined> = [];
    for (const tokenId of tokenIds) changes.push(await denyToken(unit.trx, now, tokenId, reason));
    publishAfterCommit(ctx, unit, changes);
    const newest = await unit.trx('trust_changes').max({ version: 'version' }).first();
    return { version: Number(newest?.version ?? 0), tokenIds };
  });
}

/** Release tokens from the deny list: one token (TOKEN_NOT_FOUND if it is not on it), or every listed token of a rider. */
export async function releaseFromDenyList(ctx: GatewayContext, target: DenyTarget): Promise<DenyListChange> {
  return inTransaction(ctx.knex, async (unit) => {
    const now = ctx.clock.now();
    const candidates = 'tokenId' in target ? [target.tokenId] : await tokensOfRider(unit.trx, (await requireRider(unit.trx, target.riderId)).id);
    const changes: TrustChange[] = [];
    for (const tokenId of candidates) {
      const change = await releaseToken(unit.trx, now, tokenId);
      if (change) changes.push(change);
    }
    if (!changes.length) {
      if ('tokenId' in target) throw new NotFoundError('TOKEN_NOT_FOUND', `token ${target.tokenId} on the deny list`);
      throw new GatewayError('TOKEN_NOT_FOUND', `no token of rider ${target.riderId} is on the deny list`);
    }
    publishAfterCommit(ctx, unit, changes);
    return { version: changes.at(-1)!.version, tokenIds: changes.map((change) => ('tokenId' in change ? change.tokenId : '')) };
  });
}
