import { Router } from 'express';
import { z } from 'zod';
import type { GatewayContext } from '../../context.js';
import { NotFoundError } from '../../errors.js';
import { addTariffVersion, listTariffs } from '../../tariffs/tariffStore.js';
import { parseInput } from '../validate.js';

/** `data` is checked by the tariff engine itself (TARIFF_INVALID, 422), so here it is any object. */
const AddTariffRequest = z.object({
  effectiveFrom: z.number().int().nonnegative(),
  data: z.record(z.string(), z.unknown()),
});

/** Operators' tariffs, versioned with effective dates (docs/api.md, "Tariffs"). */
export function tariffsRouter(ctx: GatewayContext): Router {
  const router = Router();

  router.get('/operators/:operatorId/tariffs', async (request, response) => {
    const found = await ctx.knex('operators').where({ id: request.params.operatorId }).first('id');
    if (!found) throw new NotFoundError('OPERATOR_NOT_FOUND', `operator ${request.params.operatorId}`);
    response.json({ tariffs: await listTariffs(ctx.knex, request.params.operatorId) });
  });

  router.post('/operators/:operatorId/tariffs', async (request, response) => {
    const body = parseInput(AddTariffRequest, request.body);
    const tariff = await addTariffVersion(ctx.knex, ctx.clock.now(), request.params.operatorId, body);
    ctx.catalog.invalidate();
    response.status(201).json(tariff);
  });

  return router;
}
