import type { Knex } from 'knex';
import { Plate, PlateColour, TagId, VehicleClass, normalisePlate } from '../../protocol/toll.js';
import { GatewayError, ValidationError } from '../errors.js';
import type { NetworkCatalog } from '../network/networkCatalog.js';
import { tariffInForce } from '../tariffs/tariff.js';

/** A plate as lanes compare it (upper case, no spaces or dashes), or PLATE_INVALID. */
export function checkedPlate(raw: string): string {
  const plate = normalisePlate(raw);
  if (!Plate.safeParse(plate).success) throw new GatewayError('PLATE_INVALID', `plate "${raw}" is not 2 to 12 letters and digits`);
  return plate;
}

export function checkedPlateColour(raw: string): string {
  const parsed = PlateColour.safeParse(raw);
  if (!parsed.success) throw new ValidationError(`plateColour must be one of ${PlateColour.options.join(', ')}`);
  return parsed.data;
}

export function checkedTag(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  const tag = raw.toUpperCase();
  if (!TagId.safeParse(tag).success) throw new ValidationError(`tagId "${raw}" is not 16 hexadecimal digits`);
  return tag;
}

/**
 * A vehicle class the toll tariffs in force price (VEHICLE_CLASS_INVALID otherwise): a class no
 * tariff knows could never be charged. With no toll tariff loaded, any class "1" to "9" is taken.
 */
export function checkedVehicleClass(raw: string, catalog: NetworkCatalog, nowMs: number): string {
  if (!VehicleClass.safeParse(raw).success) throw new GatewayError('VEHICLE_CLASS_INVALID', `vehicle class "${raw}" is not one digit 1 to 9`);
  const known = pricedVehicleClasses(catalog, nowMs);
  if (known.size && !known.has(raw)) throw new GatewayError('VEHICLE_CLASS_INVALID', `vehicle class ${raw} is not priced by any toll tariff (known: ${[...known].sort().join(', ')})`);
  return raw;
}

export function pricedVehicleClasses(catalog: NetworkCatalog, nowMs: number): Set<string> {
  const classes = new Set<string>();
  for (const operator of catalog.operators) {
    const tariff = tariffInForce(catalog.tariffs, operator.id, nowMs);
    if (tariff?.data.fare.kind === 'toll') for (const vehicleClass of Object.keys(tariff.data.fare.matrix)) classes.add(vehicleClass);
  }
  return classes;
}

/** Plates and tags are unique among registered vehicles: a clear 409 rather than a constraint error. */
export async function assertFree(trx: Knex.Transaction, plate: string, tagId: string | null, exceptVehicleId?: string): Promise<void> {
  const plateOwner = await trx('vehicles').where({ active_plate: plate }).first('id');
  if (plateOwner && plateOwner.id !== exceptVehicleId) throw new GatewayError('PLATE_ALREADY_REGISTERED', `plate ${plate} is already registered to a vehicle`);
  if (!tagId) return;
  const tagOwner = await trx('vehicles').where({ active_tag: tagId }).first('id');
  if (tagOwner && tagOwner.id !== exceptVehicleId) throw new GatewayError('TAG_ALREADY_REGISTERED', `tag ${tagId} is already registered to a vehicle`);
}
