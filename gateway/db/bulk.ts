import type { Knex } from 'knex';
import { dialectOf } from '../../db/connect.js';

/** Rows per statement: well below every driver's bound-parameter limit for our widest tables. */
export const BULK_CHUNK = 400;

export function chunks<T>(items: readonly T[], size = BULK_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Take many per-key locks (lockForTransaction's, same keys) in one statement, in one global
 * order (by lock id), so two batches locking overlapping keys wait for each other instead of
 * deadlocking. SQLite has one writer and needs none.
 */
export async function lockKeysForTransaction(trx: Knex.Transaction, keys: readonly string[]): Promise<void> {
  if (dialectOf(trx) !== 'pg' || keys.length === 0) return;
  for (const part of chunks([...new Set(keys)], 5000)) {
    await trx.raw('SELECT pg_advisory_xact_lock(h) FROM (SELECT DISTINCT hashtext(k) AS h FROM unnest(?::text[]) AS k ORDER BY h) AS locks', [part]);
  }
}

export type SqlType = 'text' | 'bigint';

/**
 * Rows to use as a table in a WITH clause (`WITH f(a, b) AS (${sql})`), typed the same in both
 * databases. PostgreSQL gets `SELECT * FROM unnest(?::text[], ?::bigint[])`, one array per column,
 * which it parses and plans in a fraction of the time of a VALUES list of a parameter per value;
 * SQLite gets `VALUES (CAST(? AS text), CAST(? AS bigint)), ...`.
 */
export function valuesSql(db: Knex | Knex.Transaction, rows: ReadonlyArray<ReadonlyArray<Knex.Value>>, types: readonly SqlType[]): { sql: string; bindings: Knex.Value[] } {
  if (dialectOf(db) === 'pg') {
    return { sql: `SELECT * FROM unnest(${types.map((type) => `?::${type}[]`).join(', ')})`, bindings: types.map((_, column) => rows.map((row) => row[column]) as unknown as Knex.Value) };
  }
  const row = `(${types.map((type) => `CAST(? AS ${type})`).join(', ')})`;
  return { sql: `VALUES ${rows.map(() => row).join(', ')}`, bindings: rows.flat() };
}

/** The rows of a knex.raw result, whichever the driver. */
export function rowsOf(result: unknown): Array<Record<string, unknown>> {
  return Array.isArray(result) ? result : ((result as { rows: Array<Record<string, unknown>> }).rows ?? []);
}

/** Set one text column of many rows by id, in one statement per chunk. */
export async function updateTextColumn(trx: Knex.Transaction, table: string, column: string, updates: ReadonlyArray<{ id: string; value: string | null }>): Promise<void> {
  for (const part of chunks(updates, 1000)) {
    const values = valuesSql(trx, part.map((update) => [update.id, update.value]), ['text', 'text']);
    await trx.raw(`WITH v(id, value) AS (${values.sql}) UPDATE ?? SET ?? = v.value FROM v WHERE ??.id = v.id`, [...values.bindings, table, column, table]);
  }
}
