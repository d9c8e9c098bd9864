import type { Knex } from 'knex';
import { toNumber } from '../db/rows.js';
import type { DenyListEntry } from './denyList.js';

/** A deny-list entry with what its token belongs to: a rider's phone, or a vehicle (and its owner). */
export interface DenyListEntryView extends DenyListEntry {
  riderId: string | null;
  riderName: string | null;
  vehicle: { id: string; plate: string } | null;
}

/** Newest first, `limit` entries added before trust version `beforeVersion` (for paging). */
export async function listDenyListWithOwners(db: Knex, options: { limit: number; beforeVersion?: number; tokenIds?: string[] }): Promise<DenyListEntryView[]> {
  const query = db('deny_list')
    .leftJoin('tokens', 'tokens.id', 'deny_list.token_id')
    .leftJoin('vehicles', 'vehicles.token_id', 'deny_list.token_id')
    .leftJoin('riders', (join) => join.on('riders.id', '=', 'tokens.rider_id').orOn('riders.id', '=', 'vehicles.rider_id'))
    .orderBy('deny_list.version', 'desc')
    .limit(options.limit)
    .select('deny_list.*', 'riders.id as rider_id', 'riders.name as rider_name', 'vehicles.id as vehicle_id', 'vehicles.plate as vehicle_plate');
  if (options.beforeVersion !== undefined) query.where('deny_list.version', '<', options.beforeVersion);
  if (options.tokenIds) query.whereIn('deny_list.token_id', options.tokenIds);
  return (await query).map((row: Record<string, unknown>) => ({
    tokenId: String(row.token_id),
    reason: String(row.reason),
    addedAt: toNumber(row.added_at),
    version: toNumber(row.version),
    riderId: (row.rider_id as string | null) ?? null,
    riderName: (row.rider_name as string | null) ?? null,
    vehicle: row.vehicle_id ? { id: String(row.vehicle_id), plate: String(row.vehicle_plate) } : null,
  }));
}
