import type { Knex } from 'knex';
import type { Principal } from '../access/principal.js';
import { toNumber } from '../db/rows.js';
import { ridersVisibleTo } from './riderVisibility.js';
import type { RiderStatus } from './riderRecords.js';

export interface RiderMatch {
  id: string;
  name: string;
  /** Only for the network's staff. */
  email: string | null;
  status: RiderStatus;
  createdAt: number;
}

/** `%`, `_` and the escape character itself taken literally in a LIKE pattern. */
const likePattern = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (char) => `\\${char}`)}%`;

/**
 * Riders the staff may see whose id is the text, or whose name (or, for the network's staff,
 * e-mail address, given at sign-up or as a web login) contains it, case-insensitively; newest
 * first. An empty text lists the newest riders.
 */
export async function searchRiders(db: Knex, staff: Extract<Principal, { kind: 'staff' }>, text: string, limit = 50): Promise<RiderMatch[]> {
  const query = db('riders').select('riders.id', 'riders.name', 'riders.email', 'riders.status', 'riders.created_at').orderBy([{ column: 'riders.created_at', order: 'desc' }, { column: 'riders.id', order: 'desc' }]).limit(limit);
  const wanted = text.trim();
  if (wanted) {
    const pattern = likePattern(wanted);
    const network = staff.operatorId === null;
    query.where((where) => {
      where.where('riders.id', wanted).orWhereRaw("lower(riders.name) like ? escape '\\'", [pattern]);
      if (network) {
        where.orWhereRaw("lower(riders.email) like ? escape '\\'", [pattern]);
        where.orWhereExists(db('rider_logins').select(db.raw('1')).whereRaw('rider_logins.rider_id = riders.id').whereRaw("rider_logins.email like ? escape '\\'", [pattern]));
      }
    });
  }
  const rows = await ridersVisibleTo(db, query, staff);
  return rows.map((row: Record<string, unknown>) => ({
    id: String(row.id),
    name: String(row.name),
    email: staff.operatorId === null ? ((row.email as string | null) ?? null) : null,
    status: row.status as RiderStatus,
    createdAt: toNumber(row.created_at),
  }));
}
