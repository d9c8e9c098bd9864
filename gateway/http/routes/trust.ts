import { Router } from 'express';
import { z } from 'zod';
import type { TrustChange } from '../../../protocol/laneApi.js';
import { publishAfterCommit, type GatewayContext } from '../../context.js';
import { listIssuerKeys, revokeIssuerKey, rotateIssuerKey } from '../../credentials/issuerKeys.js';
import { inTransaction } from '../../db/unitOfWork.js';
import { NotFoundError } from '../../errors.js';
import { requireRider, tokensOfRider } from '../../riders/riderRecords.js';
import { denyToken, listDenyList, releaseToken } from '../../trust/denyList.js';
import { parseInput } from '../validate.js';

const TOKEN = z.string().regex(/^[0-9a-f]{32}$/);
const DenyRequest = z.union([z.object({ tokenId: TOKEN, reason: z.string().min(1).max(64) }), z.object({ riderId: z.string().min(1).max(64), reason: z.string().min(1).max(64) })]);
const NewKeyRequest = z.object({ validForS: z.number().int().min(3600).max(5 * 365 * 86_400).optional() });
const KeyIdParam = z.coerce.number().int().min(0).max(0xffff);

/** Deny list and issuer keys: both reach the lanes as versioned trust changes. */
export function trustRouter(ctx: GatewayContext): Router {
  const router = Router();

  router.get('/deny-list', async (_request, response) => {
    response.json({ entries: await listDenyList(ctx.knex) });
  });

  router.post('/deny-list', async (request, response) => {
    const body = parseInput(DenyRequest, request.body);
    const result = await inTransaction(ctx.knex, async (unit) => {
      const now = ctx.clock.now();
      let tokenIds: string[];
      if ('tokenId' in body) {
        const known = (await unit.trx('tokens').where({ id: body.tokenId }).first('id')) ?? (await unit.trx('vehicles').where({ token_id: body.tokenId }).first('id'));
        if (!known) throw new NotFoundError('TOKEN_NOT_FOUND', `token ${body.tokenId}`);
        tokenIds = [body.tokenId];
      } else tokenIds = await tokensOfRider(unit.trx, (await requireRider(unit.trx, body.riderId)).id);
      const changes: Array<TrustChange | undefined> = [];
      for (const tokenId of tokenIds) changes.push(await denyToken(unit.trx, now, tokenId, body.reason));
      publishAfterCommit(ctx, unit, changes);
      const newest = await unit.trx('trust_changes').max({ version: 'version' }).first();
      return { version: Number(newest?.version ?? 0), tokenIds };
    });
    response.status(201).json(result);
  });

  router.delete('/deny-list/:tokenId', async (request, response) => {
    const tokenId = parseInput(TOKEN, request.params.tokenId, 'tokenId');
    const version = await inTransaction(ctx.knex, async (unit) => {
      const change = await releaseToken(unit.trx, ctx.clock.now(), tokenId);
      if (!change) throw new NotFoundError('TOKEN_NOT_FOUND', `token ${tokenId} on the deny list`);
      publishAfterCommit(ctx, unit, [change]);
      return change.version;
    });
    response.json({ version });
  });

  router.get('/keys', async (_request, response) => {
    response.json({ keys: await listIssuerKeys(ctx.knex) });
  });

  router.post('/keys', async (request, response) => {
    const { validForS } = parseInput(NewKeyRequest, request.body ?? {});
    response.status(201).json(await rotateIssuerKey(ctx, validForS));
  });

  router.post('/keys/:keyId/revoke', async (request, response) => {
    const change = await revokeIssuerKey(ctx, parseInput(KeyIdParam, request.params.keyId, 'keyId'));
    response.json({ version: change.version });
  });

  return router;
}
