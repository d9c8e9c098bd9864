import { Router } from 'express';
import { z } from 'zod';
import { principalOf } from '../../access/principal.js';
import type { GatewayContext } from '../../context.js';
import { requireRiderVisibleTo } from '../../riders/riderVisibility.js';
import { listIssuerKeys, revokeIssuerKey, rotateIssuerKey } from '../../credentials/issuerKeys.js';
import { listDenyList } from '../../trust/denyList.js';
import { addToDenyList, releaseFromDenyList, TokenId } from '../../trust/denyListChanges.js';
import { parseInput } from '../validate.js';

const DenyRequest = z.union([z.object({ tokenId: TokenId, reason: z.string().min(1).max(64) }), z.object({ riderId: z.string().min(1).max(64), reason: z.string().min(1).max(64) })]);
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
    // As on the console's page: an operator's staff name only riders who travelled with them.
    const principal = principalOf(response);
    if ('riderId' in body && principal.kind === 'staff') await requireRiderVisibleTo(ctx.knex, principal, body.riderId);
    response.status(201).json(await addToDenyList(ctx, 'tokenId' in body ? { tokenId: body.tokenId } : { riderId: body.riderId }, body.reason));
  });

  router.delete('/deny-list/:tokenId', async (request, response) => {
    const tokenId = parseInput(TokenId, request.params.tokenId, 'tokenId');
    const { version } = await releaseFromDenyList(ctx, { tokenId });
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
