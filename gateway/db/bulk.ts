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
  await lockKeyGroupsForTransaction(trx, [keys]);
}

/**
 * lockKeysForTransaction for groups of keys that must be locked one group after the other (riders
 * before the family payers who pay for them, as the one-by-one path takes them), in one statement:
 * by group, then by lock id. The ordered subquery feeds the lock calls row by row in its order.
 */
export async function lockKeyGroupsForTransaction(trx: Knex.Transaction, groups: ReadonlyArray<readonly string[]>): Promise<void> {
  if (dialectOf(trx) !== 'pg') return;
  const seen = new Set<string>();
  const rows = groups.flatMap((keys, group) => keys.filter((key) => !seen.has(key) && seen.add(key)).map((key) => [group, key] as const));
  for (const part of chunks(rows, 5000)) {
    await trx.raw(
      'SELECT count(pg_advisory_xact_lock(h)) FROM (SELECT g, hashtext(k) AS h FROM unnest(?::int[], ?::text[]) AS u(g, k) GROUP BY g, h ORDER BY g, h) AS locks',
      [arrayParameter(part.map(([group]) => group)), arrayParameter(part.map(([, key]) => key))] as Knex.RawBinding[],
    );
  }
}

export type SqlType = 'text' | 'bigint';

/**
 * A column of values as a PostgreSQL array literal (`{"a","b",NULL}`), to bind to `?::type[]`:
 * what the pg driver would send for a JS array, built in one pass (its generic conversion of each
 * element was a tenth of the pricing benchmark's Node time). Values other than strings, numbers,
 * booleans and null are left to the driver.
 */
export function arrayParameter(values: readonly unknown[]): unknown {
  const parts: string[] = new Array(values.length);
  for (let i = 0; i < values.length; i += 1) {
    const value = values[i];
    if (value === null || value === undefined) parts[i] = 'NULL';
    else if (typeof value === 'string') parts[i] = `"${value.replace(/["\\]/g, '\\$&')}"`;
    else if (typeof value === 'number' || typeof value === 'bigint') parts[i] = String(value);
    else if (typeof value === 'boolean') parts[i] = value ? 't' : 'f';
    else return values;
  }
  return `{${parts.join(',')}}`;
}

/**
 * Rows to use as a table in a WITH clause (`WITH f(a, b) AS (${sql})`), typed the same in both
 * databases. PostgreSQL gets `SELECT * FROM unnest(?::text[], ?::bigint[])`, one array per column,
 * which it parses and plans in a fraction of the time of a VALUES list of a parameter per value;
 * SQLite gets `VALUES (CAST(? AS text), CAST(? AS bigint)), ...`.
 */
export function valuesSql(db: Knex | Knex.Transaction, rows: ReadonlyArray<ReadonlyArray<Knex.Value>>, types: readonly SqlType[]): { sql: string; bindings: Knex.Value[] } {
  if (dialectOf(db) === 'pg') {
    return { sql: `SELECT * FROM unnest(${types.map((type) => `?::${type}[]`).join(', ')})`, bindings: types.map((_, column) => arrayParameter(rows.map((row) => row[column])) as Knex.Value) };
  }
  const row = `(${types.map((type) => `CAST(? AS ${type})`).join(', ')})`;
  return { sql: `VALUES ${rows.map(() => row).join(', ')}`, bindings: rows.flat() };
}

/** The rows of a knex.raw result, whichever the driver. */
export function rowsOf(result: unknown): Array<Record<string, unknown>> {
  return Array.isArray(result) ? result : ((result as { rows: Array<Record<string, unknown>> }).rows ?? []);
}

/** Statements that set one text column of many rows by id, one per chunk (to run with others: runTogether). */
export function updateTextColumnStatements(db: Knex | Knex.Transaction, table: string, column: string, updates: ReadonlyArray<{ id: string; value: string | null }>): Array<{ sql: string; bindings: Knex.Value[] }> {
  return chunks(updates, 1000).map((part) => {
    const values = valuesSql(db, part.map((update) => [update.id, update.value]), ['text', 'text']);
    return { sql: `WITH v(id, value) AS (${values.sql}) UPDATE ?? SET ?? = v.value FROM v WHERE ??.id = v.id`, bindings: [...values.bindings, table, column, table] };
  });
}
