import { z } from 'zod';
import { publishAfterCommit, type GatewayContext } from '../context.js';
import { lockForTransaction } from '../db/locks.js';
import { inTransaction } from '../db/unitOfWork.js';
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
    publishAfterCommit(ctx, unit, [await vehicleAdded(trx, now, after)]);
    return after;
  });
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
