import { Router } from 'express';
import { z } from 'zod';
import { arrearsViewOf } from '../../arrears/arrearsView.js';
import type { GatewayContext } from '../../context.js';
import { NotFoundError } from '../../errors.js';
import { listJourneys } from '../../journeys/journeyRecords.js';
import { requireRider } from '../../riders/riderRecords.js';
import { tollExceptionsOf } from '../../tolls/tollExceptionsReport.js';
import { ChangeVehicleRequest, changeVehicle, removeVehicle } from '../../vehicles/changeVehicle.js';
import { RegisterVehicleRequest, registerVehicle } from '../../vehicles/registerVehicle.js';
import { vehicleView, vehiclesOfRider } from '../../vehicles/vehicleRecords.js';
import { parseInput } from '../validate.js';

const ListVehiclesQuery = z.object({ includeRemoved: z.enum(['true', 'false']).optional() });
const RangeQuery = z.object({ from: z.coerce.number().int().optional(), to: z.coerce.number().int().optional(), limit: z.coerce.number().int().min(1).max(5000).optional() });

/** Drivers' vehicles and tolls, and operators' toll exceptions (docs/api.md, "Tolls"). */
export function tollsRouter(ctx: GatewayContext): Router {
  const router = Router();

  router.post('/riders/:riderId/vehicles', async (request, response) => {
    const vehicle = await registerVehicle(ctx, request.params.riderId, parseInput(RegisterVehicleRequest, request.body));
    response.status(201).json(vehicleView(vehicle));
  });

  router.get('/riders/:riderId/vehicles', async (request, response) => {
    const rider = await requireRider(ctx.knex, request.params.riderId);
    const { includeRemoved } = parseInput(ListVehiclesQuery, request.query, 'query');
    response.json({ vehicles: (await vehiclesOfRider(ctx.knex, rider.id, includeRemoved === 'true')).map(vehicleView) });
  });

  router.patch('/riders/:riderId/vehicles/:vehicleId', async (request, response) => {
    await requireRider(ctx.knex, request.params.riderId);
    response.json(vehicleView(await changeVehicle(ctx, request.params.riderId, request.params.vehicleId, parseInput(ChangeVehicleRequest, request.body))));
  });

  router.delete('/riders/:riderId/vehicles/:vehicleId', async (request, response) => {
    await requireRider(ctx.knex, request.params.riderId);
    response.json(vehicleView(await removeVehicle(ctx, request.params.riderId, request.params.vehicleId)));
  });

  /** A driver's toll trips, each with how it was priced, and where the account stands in the arrears cycle. */
  router.get('/riders/:riderId/tolls', async (request, response) => {
    const rider = await requireRider(ctx.knex, request.params.riderId);
    const { from, to, limit } = parseInput(RangeQuery, request.query, 'query');
    const [trips, arrears] = await Promise.all([listJourneys(ctx.knex, { riderId: rider.id, mode: 'toll', fromMs: from, toMs: to, limit }), arrearsViewOf(ctx.knex, rider.id)]);
    response.json({ trips, arrears: { state: arrears.state, outstandingMinor: arrears.outstandingMinor, currency: rider.currency }, riderStatus: rider.status });
  });

  router.get('/operators/:operatorId/toll-exceptions', async (request, response) => {
    const found = await ctx.knex('operators').where({ id: request.params.operatorId }).first('id');
    if (!found) throw new NotFoundError('OPERATOR_NOT_FOUND', `operator ${request.params.operatorId}`);
    const { from, to, limit } = parseInput(RangeQuery, request.query, 'query');
    response.json(await tollExceptionsOf(ctx.knex, request.params.operatorId, { fromMs: from, toMs: to, limit }));
  });

  return router;
}
