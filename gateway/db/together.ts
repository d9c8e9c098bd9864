import type { Knex } from 'knex';
import { dialectOf } from '../../db/connect.js';
import { rowsOf } from './bulk.js';

type Row = Record<string, unknown>;

/** SQL with knex placeholders (`?` values, `??` identifiers) and its bindings. */
export interface Statement {
  sql: string;
  bindings: readonly unknown[];
}

/** A knex query builder as a Statement, to run with others. */
export function statementOf(builder: Knex.QueryBuilder): Statement {
  const { sql, bindings } = builder.toSQL();
  return { sql, bindings };
}

/**
 * Reads queued by several loaders and run as one statement on PostgreSQL: each read becomes a
 * column holding its rows as a JSON array (`SELECT (SELECT json_agg(q) FROM (<read>) q) AS r0,
 * ...`), one round trip instead of one per read. Every statement costs a network round trip and a
 * parse, plan and wake-up on each side, which on the pricing benchmark's machine came to as much
 * as the work of a small read. SQLite, in process, runs them one after another. A loader queues its
 * reads with `read` and returns what `take` fills in; the caller calls run() once, then uses it.
 *
 * json_agg gives bigint and numeric columns as JSON numbers, text as strings, booleans as booleans:
 * the row decoders (toNumber, String) read them as they read driver rows.
 */
export class Reads {
  private readonly queued: Array<Statement & { take(rows: Row[]): void }> = [];
  private readonly plain: Array<Statement & { take(rows: Row[]): void }> = [];

  constructor(readonly trx: Knex.Transaction) {}

  /** plain: a statement of its own, its rows as the driver gives them (for many long rows, which JSON would lengthen by their column names). */
  read(statement: Statement, take: (rows: Row[]) => void, options: { plain?: boolean } = {}): void {
    (options.plain ? this.plain : this.queued).push({ ...statement, take });
  }

  async run(): Promise<void> {
    const alone = this.plain.splice(0);
    const together = this.queued.splice(0);
    if (dialectOf(this.trx) !== 'pg' || together.length === 1) alone.push(...together.splice(0));
    for (const read of alone) read.take(rowsOf(await this.trx.raw(read.sql, read.bindings as Knex.RawBinding[])));
    if (together.length === 0) return;
    const sql = `SELECT ${together.map((read, i) => `(SELECT COALESCE(json_agg(q), '[]'::json) FROM (${read.sql}) q) AS r${i}`).join(', ')}`;
    const [row] = rowsOf(await this.trx.raw(sql, together.flatMap((read) => read.bindings) as Knex.RawBinding[]));
    together.forEach((read, i) => read.take(row[`r${i}`] as Row[]));
  }
}

/**
 * Run data-changing statements (INSERT, UPDATE, DELETE) as one statement on PostgreSQL, each a
 * sub-statement of a WITH (`WITH w0 AS (<insert>), w1 AS (<update>) SELECT 1`), in one round
 * trip. The sub-statements all see the database as it was before the statement, so none may
 * depend on another's changes (foreign keys are checked at the end, and see all of them), and they
 * run in an order of PostgreSQL's choosing (in practice the reverse of the list): writes whose locks
 * must be taken in a global order (RollupDelta) do not belong here. SQLite runs them one after
 * another.
 */
export async function runTogether(trx: Knex.Transaction, statements: readonly Statement[]): Promise<void> {
  if (statements.length === 0) return;
  if (dialectOf(trx) !== 'pg' || statements.length === 1) {
    for (const statement of statements) await trx.raw(statement.sql, statement.bindings as Knex.RawBinding[]);
    return;
  }
  const sql = `WITH ${statements.map((statement, i) => `w${i} AS (${statement.sql})`).join(', ')} SELECT 1`;
  await trx.raw(sql, statements.flatMap((statement) => statement.bindings) as Knex.RawBinding[]);
}
