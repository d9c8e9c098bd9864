import type { Knex } from 'knex';
import { z } from 'zod';
import type { TrustChange } from '../../protocol/laneApi.js';
import { OBU_CLONE_DENY_REASON } from '../../protocol/toll.js';
import { publishAfterCommit, type GatewayContext } from '../context.js';
import { lockForTransaction } from '../db/locks.js';
import { inTransaction } from '../db/unitOfWork.js';
import { ARREARS_REASON } from '../riders/fundingStatus.js';
import { requireRider } from '../riders/riderRecords.js';
import { denyToken, releaseToken } from '../trust/denyList.js';
import { requireVehicle, vehicleToRow, type Vehicle } from './vehicleRecords.js';
import { assertFree, checkedTag, checkedVehicleClass } from './vehicleRules.js';
import { vehicleAdded, vehicleRemoved } from './vehicleTrust.js';

export const ChangeVehicleRequest = z.object({
  vehicleClass: z.string().min(1).max(4).optional(),
  tagId: z.string().max(32).nullable().optional(),
});

/**
 * Change a vehicle's class or tag: lanes get the whole entry again (vehicle.add replaces it).
 * Trips already priced keep the class they were priced with; later passages carry the new one.
 * A new tag for a vehicle deny-listed because its tag was cloned releases it (the copies carry
 * the old tag id); an account in arrears stays denied for that.
 */
export async function changeVehicle(ctx: GatewayContext, riderId: string, vehicleId: string, request: z.infer<typeof ChangeVehicleRequest>): Promise<Vehicle> {
  const vehicleClass = request.vehicleClass === undefined ? undefined : checkedVehicleClass(request.vehicleClass, await ctx.catalog.current(), ctx.clock.now());
  const tagId = request.tagId === undefined ? undefined : checkedTag(request.tagId);
  return inTransaction(ctx.knex, async (unit) => {
    const { trx } = unit;
    const now = ctx.clock.now();
    await lockForTransaction(trx, 'vehicles');
    const before = await requireVehicle(trx, riderId, vehicleId);
    if (before.removedAt !== null) return before;
    const after: Vehicle = { ...before, vehicleClass: vehicleClass ?? before.vehicleClass, tagId: tagId === undefined ? before.tagId : tagId, updatedAt: now };
    if (after.vehicleClass === before.vehicleClass && after.tagId === before.tagId) return before;
    await assertFree(trx, after.plate, after.tagId, after.id);
    await trx('vehicles').where({ id: after.id }).update(vehicleToRow(after));
    const changes = [await vehicleAdded(trx, now, after)];
    if (after.tagId !== before.tagId) changes.push(...(await releaseCloneDenial(trx, now, after)));
    publishAfterCommit(ctx, unit, changes);
    return after;
  });
}

async function releaseCloneDenial(trx: Knex.Transaction, nowMs: number, vehicle: Vehicle): Promise<TrustChange[]> {
  const released = await releaseToken(trx, nowMs, vehicle.tokenId, OBU_CLONE_DENY_REASON);
  if (!released) return [];
  const rider = await requireRider(trx, vehicle.riderId);
  const arrears = rider.status === 'in_arrears' ? await denyToken(trx, nowMs, vehicle.tokenId, ARREARS_REASON) : undefined;
  return arrears ? [released, arrears] : [released];
}

/**
 * Remove a vehicle: lanes forget it (vehicle.remove) and its plate and tag are free again. The
 * row stays, so passages already made still charge the account; removing twice changes nothing.
 */
export async function removeVehicle(ctx: GatewayContext, riderId: string, vehicleId: string): Promise<Vehicle> {
  return inTransaction(ctx.knex, async (unit) => {
    const { trx } = unit;
    const now = ctx.clock.now();
    await lockForTransaction(trx, 'vehicles');
    const before = await requireVehicle(trx, riderId, vehicleId);
    if (before.removedAt !== null) return before;
    const after: Vehicle = { ...before, removedAt: now, updatedAt: now };
    await trx('vehicles').where({ id: after.id }).update(vehicleToRow(after));
    publishAfterCommit(ctx, unit, [await vehicleRemoved(trx, now, after)]);
    return after;
  });
}
