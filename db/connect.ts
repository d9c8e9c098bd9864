import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');
const SEEDS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'seeds');

// PostgreSQL returns int8 (COUNT, SUM, bigint columns) as strings. Every amount and count here
// fits in a double (minor units below 2^53), so parse them as numbers once, for all queries.
pg.types.setTypeParser(20, (value: string) => Number.parseInt(value, 10));
pg.types.setTypeParser(1700, (value: string) => Number(value));

export interface DatabaseOptions {
  /** postgres://... selects PostgreSQL; absent selects SQLite at sqliteFile. */
  databaseUrl?: string;
  sqliteFile: string;
  /** PostgreSQL schema to work in (created if missing); tests use one schema each. */
  schema?: string;
  poolMax?: number;
}

export type Dialect = 'pg' | 'sqlite';

export function dialectOf(knex: Knex): Dialect {
  return knex.client.config.client === 'pg' ? 'pg' : 'sqlite';
}

export function knexConfig(options: DatabaseOptions): Knex.Config {
  const migrations = { directory: MIGRATIONS_DIR, loadExtensions: ['.ts'], extension: 'ts' };
  const seeds = { directory: SEEDS_DIR, loadExtensions: ['.ts'], extension: 'ts' };
  if (options.databaseUrl) {
    return {
      client: 'pg',
      connection: options.databaseUrl,
      searchPath: options.schema ? [options.schema] : undefined,
      pool: {
        min: 0,
        max: options.poolMax ?? 10,
        // No JIT compilation: it starts on statements whose estimated cost passes jit_above_cost,
        // which lookups by a list of ids easily do, and compiling took longer than running them
        // (25 ms against 2 ms for one round's wallet balances, measured on the pricing benchmark).
        afterCreate(connection: { query(sql: string, done: (error: Error | null) => void): void }, done: (error: Error | null, connection: unknown) => void) {
          connection.query('SET jit = off', (error) => done(error, connection));
        },
      },
      migrations,
      seeds,
    };
  }
  if (options.sqliteFile !== ':memory:') mkdirSync(dirname(options.sqliteFile), { recursive: true });
  return {
    client: 'better-sqlite3',
    connection: { filename: options.sqliteFile },
    useNullAsDefault: true,
    // SQLite has one writer: one connection, and `trx` passed explicitly inside transactions.
    pool: {
      min: 1,
      max: 1,
      afterCreate(connection: { pragma(sql: string): unknown }, done: (error: Error | null, connection: unknown) => void) {
        connection.pragma('journal_mode = WAL');
        connection.pragma('synchronous = NORMAL');
        connection.pragma('foreign_keys = ON');
        connection.pragma('busy_timeout = 5000');
        done(null, connection);
      },
    },
    migrations,
    seeds,
  };
}

/** Open the database and bring its schema up to date. */
export async function openDatabase(options: DatabaseOptions): Promise<Knex> {
  const knex = knexFactory(knexConfig(options));
  try {
    if (options.databaseUrl && options.schema) await knex.raw('CREATE SCHEMA IF NOT EXISTS ??', [options.schema]);
    await knex.migrate.latest();
  } catch (error) {
    await knex.destroy();
    const where = options.databaseUrl ? redactUrl(options.databaseUrl) : options.sqliteFile;
    throw new Error(`cannot open database ${where}: ${(error as Error).message}`, { cause: error });
  }
  return knex;
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):([^@/]+)@/, '//$1:***@');
}
