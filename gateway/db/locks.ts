import type { Knex } from 'knex';
import { dialectOf } from '../../db/connect.js';

/**
 * Serialise work on one key (a token, a rider, the trust log) across gateway replicas until
 * the transaction ends. SQLite has a single writer connection, so it needs nothing.
 */
export async function lockForTransaction(trx: Knex.Transaction, key: string): Promise<void> {
  if (dialectOf(trx) !== 'pg') return;
  await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [key]);
}
