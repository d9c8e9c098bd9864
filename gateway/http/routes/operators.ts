import { Router, type Response } from 'express';
import type { Knex } from 'knex';
import { principalOf } from '../../access/principal.js';
import { z } from 'zod';
import type { GatewayContext } from '../../context.js';
import { NotFoundError } from '../../errors.js';
import { listJourneys } from '../../journeys/journeyRecords.js';
import { laneLimitsOf, listLaneReports } from '../../lanes/laneReports.js';
import { listCharges } from '../../ledger/charges.js';
import { loadNetworkCatalog } from '../../network/networkCatalog.js';
import { parseInput } from '../validate.js';

const RangeQuery = z.object({
  from: z.coerce.number().int().nonnegative().optional(),
  to: z.coerce.number().int().nonnegative().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/** The network, operator reports and lane health (docs/api.md, "Operators"). */
export function operatorsRouter(ctx: GatewayContext): Router {
  const router = Router();

  router.get('/network', async (_request, response) => {
    const catalog = await loadNetworkCatalog(ctx.knex);
    response.json({ operators: catalog.operators, stations: catalog.sites, tariffs: catalog.tariffs });
  });

  const requireOperator = async (operatorId: string) => {
    const found = await ctx.knex('operators').where({ id: operatorId }).first('id');
    if (!found) throw new NotFoundError('OPERATOR_NOT_FOUND', `operator ${operatorId}`);
  };

  router.get('/operators/:operatorId/journeys', async (request, response) => {
    await requireOperator(request.params.operatorId);
    const range = parseInput(RangeQuery, request.query, 'query');
    response.json({ journeys: await listJourneys(ctx.knex, { operatorId: request.params.operatorId, fromMs: range.from, toMs: range.to, limit: range.limit }) });
  });

  router.get('/operators/:operatorId/charges', async (request, response) => {
    await requireOperator(request.params.operatorId);
    const range = parseInput(RangeQuery, request.query, 'query');
    const charges = await listCharges(ctx.knex, { operatorId: request.params.operatorId, fromMs: range.from, toMs: range.to, limit: range.limit });
    response.json({ charges, totalMinor: charges.reduce((total, charge) => total + charge.amountMinor, 0) });
  });

  router.get('/lanes', async (_request, response) => {
    const lanes = await listLaneReports(ctx.knex, ctx.clock.now(), laneLimitsOf(ctx.config));
    const own = await ownStations(response);
    response.json({ lanes: own ? lanes.filter((lane) => own.has(lane.stationId)) : lanes });
  });

  router.get('/stats', async (_request, response) => {
    const principal = principalOf(response);
    const scoped = (query: Knex.QueryBuilder) => (principal.kind === 'staff' && principal.operatorId ? query.where({ operator_id: principal.operatorId }) : query);
    const [journeys, revenue] = await Promise.all([
      scoped(ctx.knex('journeys').whereIn('status', ['complete', 'no_exit', 'no_entry'])).count({ count: '*' }).first(),
      scoped(ctx.knex('journeys')).sum({ total: 'charged_minor' }).first(),
    ]);
    response.json({ journeysCharged: Number(journeys?.count ?? 0), revenueMinor: Number(revenue?.total ?? 0), currency: ctx.config.currency, counters: ctx.metrics.snapshot() });
  });

  /** The stations of the operator the signed-in staff belong to; undefined for the network's staff (all). */
  async function ownStations(response: Response): Promise<Set<string> | undefined> {
    const principal = principalOf(response);
    if (principal.kind !== 'staff' || principal.operatorId === null) return undefined;
    const rows = await ctx.knex('sites').where({ operator_id: principal.operatorId }).select('id');
    return new Set(rows.map((row: { id: string }) => row.id));
  }

  return router;
}
