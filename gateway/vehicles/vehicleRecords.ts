import type { Knex } from 'knex';
import { toNullableNumber, toNumber } from '../db/rows.js';
import { NotFoundError } from '../errors.js';

/** A rider's vehicle (docs/tolls.md, "Vehicles"): what its tag and plate charge to. */
export interface Vehicle {
  id: string;
  riderId: string;
  /** The credential lanes map the tag and plate to; deny-list entries name it. */
  tokenId: string;
  plate: string;
  plateColour: string;
  vehicleClass: string;
  tagId: string | null;
  createdAt: number;
  updatedAt: number;
  /** Set once removed: the row stays, so earlier passages and trips still resolve to the account. */
  removedAt: number | null;
}

type Db = Knex | Knex.Transaction;

export function vehicleFromRow(row: Record<string, unknown>): Vehicle {
  return {
    id: String(row.id),
    riderId: String(row.rider_id),
    tokenId: String(row.token_id),
    plate: String(row.plate),
    plateColour: String(row.plate_colour),
    vehicleClass: String(row.vehicle_class),
    tagId: (row.tag_id as string | null) ?? null,
    createdAt: toNumber(row.created_at),
    updatedAt: toNumber(row.updated_at),
    removedAt: toNullableNumber(row.removed_at),
  };
}

export function vehicleToRow(vehicle: Vehicle): Record<string, unknown> {
  const active = vehicle.removedAt === null;
  return {
    id: vehicle.id,
    rider_id: vehicle.riderId,
    token_id: vehicle.tokenId,
    plate: vehicle.plate,
    plate_colour: vehicle.plateColour,
    vehicle_class: vehicle.vehicleClass,
    tag_id: vehicle.tagId,
    active_plate: active ? vehicle.plate : null,
    active_tag: active ? vehicle.tagId : null,
    created_at: vehicle.createdAt,
    updated_at: vehicle.updatedAt,
    removed_at: vehicle.removedAt,
  };
}

/** The rider's registered vehicles, oldest first; removed ones only when asked for. */
export async function vehiclesOfRider(db: Db, riderId: string, includeRemoved = false): Promise<Vehicle[]> {
  const query = db('vehicles').where({ rider_id: riderId }).orderBy([{ column: 'created_at' }, { column: 'id' }]).select();
  if (!includeRemoved) query.whereNull('removed_at');
  return (await query).map(vehicleFromRow);
}

export async function requireVehicle(db: Db, riderId: string, vehicleId: string): Promise<Vehicle> {
  const row = await db('vehicles').where({ id: vehicleId, rider_id: riderId }).first();
  if (!row) throw new NotFoundError('VEHICLE_NOT_FOUND', `vehicle ${vehicleId} of rider ${riderId}`);
  return vehicleFromRow(row);
}

/** The public shape of docs/api.md ("Vehicles"). */
export function vehicleView(vehicle: Vehicle): Record<string, unknown> {
  return {
    id: vehicle.id,
    riderId: vehicle.riderId,
    tokenId: vehicle.tokenId,
    plate: vehicle.plate,
    plateColour: vehicle.plateColour,
    vehicleClass: vehicle.vehicleClass,
    tagId: vehicle.tagId,
    createdAt: vehicle.createdAt,
    updatedAt: vehicle.updatedAt,
    removedAt: vehicle.removedAt,
  };
}
