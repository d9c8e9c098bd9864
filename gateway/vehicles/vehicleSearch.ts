import type { Knex } from 'knex';
import { normalisePlate } from '../../protocol/toll.js';
import type { Principal } from '../access/principal.js';
import { vehiclesVisibleTo } from '../riders/riderVisibility.js';
import { vehicleFromRow, type Vehicle } from './vehicleRecords.js';

export interface VehicleMatch extends Vehicle {
  ownerName: string;
  /** The deny-list reason when its token is on the deny list. */
  deniedFor: string | null;
}

/**
 * Vehicles the staff may see whose plate (as lanes compare plates: upper case, no spaces or
 * dashes) or tag id starts with the text, removed ones included; newest first. An empty text
 * lists the newest vehicles.
 */
export async function searchVehicles(db: Knex, staff: Extract<Principal, { kind: 'staff' }>, text: string, limit = 50): Promise<VehicleMatch[]> {
  const query = db('vehicles')
    .join('riders', 'riders.id', 'vehicles.rider_id')
    .leftJoin('deny_list', 'deny_list.token_id', 'vehicles.token_id')
    .select('vehicles.*', 'riders.name as owner_name', 'deny_list.reason as denied_for')
    .orderBy([{ column: 'vehicles.created_at', order: 'desc' }, { column: 'vehicles.id', order: 'desc' }])
    .limit(limit);
  const plate = normalisePlate(text);
  if (plate) {
    const prefix = `${plate.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
    query.where((where) => where.whereRaw("vehicles.plate like ? escape '\\'", [prefix]).orWhereRaw("vehicles.tag_id like ? escape '\\'", [prefix]).orWhere('vehicles.id', text.trim()));
  }
  const rows = await vehiclesVisibleTo(db, query, staff);
  return rows.map((row: Record<string, unknown>) => ({ ...vehicleFromRow(row), ownerName: String(row.owner_name), deniedFor: (row.denied_for as string | null) ?? null }));
}
