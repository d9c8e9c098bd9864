import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { TOKEN_ID_BYTES } from '../../protocol/ridecode/format.js';
import { publishAfterCommit, type GatewayContext } from '../context.js';
import { lockForTransaction } from '../db/locks.js';
import { inTransaction } from '../db/unitOfWork.js';
import { ARREARS_REASON } from '../riders/fundingStatus.js';
import { requireRider } from '../riders/riderRecords.js';
import { denyToken } from '../trust/denyList.js';
import { vehicleToRow, type Vehicle } from './vehicleRecords.js';
import { assertFree, checkedPlate, checkedPlateColour, checkedTag, checkedVehicleClass } from './vehicleRules.js';
import { vehicleAdded } from './vehicleTrust.js';

/** Formats are checked by vehicleRules.ts, so each mistake gets its own code (PLATE_INVALID, ...). */
export const RegisterVehicleRequest = z.object({
  plate: z.string().min(1).max(32),
  plateColour: z.string().min(1).max(16).default('white'),
  vehicleClass: z.string().min(1).max(4),
  tagId: z.string().max(32).nullable().optional(),
});
export type RegisterVehicleRequest = z.input<typeof RegisterVehicleRequest>;

/**
 * Register a vehicle on a rider's account (a driver is a rider with vehicles). It gets its own
 * token, as a phone does, and reaches every lane as a vehicle.add trust change; a rider in
 * arrears stays denied on the new vehicle too.
 */
export async function registerVehicle(ctx: GatewayContext, riderId: string, request: z.infer<typeof RegisterVehicleRequest>): Promise<Vehicle> {
  const plate = checkedPlate(request.plate);
  const plateColour = checkedPlateColour(request.plateColour);
  const tagId = checkedTag(request.tagId);
  const vehicleClass = checkedVehicleClass(request.vehicleClass, await ctx.catalog.current(), ctx.clock.now());
  return inTransaction(ctx.knex, async (unit) => {
    const { trx } = unit;
    const now = ctx.clock.now();
    const rider = await requireRider(trx, riderId);
    await lockForTransaction(trx, 'vehicles');
    await assertFree(trx, plate, tagId);
    const vehicle: Vehicle = { id: ctx.ids(), riderId: rider.id, tokenId: randomBytes(TOKEN_ID_BYTES).toString('hex'), plate, plateColour, vehicleClass, tagId, createdAt: now, updatedAt: now, removedAt: null };
    await trx('vehicles').insert(vehicleToRow(vehicle));
    const changes = [await vehicleAdded(trx, now, vehicle)];
    if (rider.status === 'in_arrears') changes.push((await denyToken(trx, now, vehicle.tokenId, ARREARS_REASON))!);
    publishAfterCommit(ctx, unit, changes);
    return vehicle;
  });
}
