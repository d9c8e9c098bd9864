import type { Knex } from 'knex';
import type { Principal } from '../access/principal.js';
import { NotFoundError } from '../errors.js';

/**
 * Which riders and vehicles staff may look up (docs/operations.md, "Operator console"). Riders'
 * accounts are the network's: its own staff see every one. An operator's staff see a rider only
 * once the rider has travelled with that operator (a journey or toll trip of theirs), and a
 * vehicle only once it has made a trip on their road; they never see e-mail addresses.
 */
type Staff = Extract<Principal, { kind: 'staff' }>;

/** Limit a query over `riders` to the riders the staff may see. */
export function ridersVisibleTo<T extends Knex.QueryBuilder>(db: Knex, query: T, staff: Staff): T {
  if (staff.operatorId === null) return query;
  return query.whereExists(db('journeys').select(db.raw('1')).whereRaw('journeys.rider_id = riders.id').where('journeys.operator_id', staff.operatorId)) as T;
}

/** Limit a query over `vehicles` to the vehicles the staff may see. */
export function vehiclesVisibleTo<T extends Knex.QueryBuilder>(db: Knex, query: T, staff: Staff): T {
  if (staff.operatorId === null) return query;
  return query.whereExists(db('journeys').select(db.raw('1')).whereRaw('journeys.token_id = vehicles.token_id').where('journeys.operator_id', staff.operatorId)) as T;
}

export async function riderVisibleTo(db: Knex, staff: Staff, riderId: string): Promise<boolean> {
  if (staff.operatorId === null) return true;
  return Boolean(await db('journeys').where({ rider_id: riderId, operator_id: staff.operatorId }).first('id'));
}

/** RIDER_NOT_FOUND, as for an unknown id, when the staff may not see the rider. */
export async function requireRiderVisibleTo(db: Knex, staff: Staff, riderId: string): Promise<void> {
  if (!(await riderVisibleTo(db, staff, riderId))) throw new NotFoundError('RIDER_NOT_FOUND', `rider ${riderId}`);
}

/** Of these riders, the ones the staff may see. */
export async function visibleRiderIds(db: Knex, staff: Staff, riderIds: readonly string[]): Promise<Set<string>> {
  const unique = [...new Set(riderIds)];
  if (staff.operatorId === null || !unique.length) return new Set(unique);
  const rows = await db('journeys').whereIn('rider_id', unique).where('operator_id', staff.operatorId).distinct('rider_id');
  return new Set(rows.map((row: { rider_id: string }) => row.rider_id));
}
