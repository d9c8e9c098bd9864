import type { Knex } from 'knex';
import { chunks } from '../db/bulk.js';
import type { Statement } from '../db/together.js';
import { ROLLUP_SHARDS, ROLLUP_TABLES, type RollupTable } from './rollupTables.js';

type KeyValue = string | number;

interface Cell {
  key: KeyValue[];
  measures: number[];
}

const ROWS_PER_STATEMENT = 300;
let nextShard = 0;

/** Round robin: transactions of this process writing at about the same time take different stripes. */
function pickShard(): number {
  nextShard = (nextShard + 1) % ROLLUP_SHARDS;
  return nextShard;
}

/**
 * Changes to the rollups made by one transaction, summed in memory and written by write() in one
 * upsert per table (`INSERT ... ON CONFLICT ... DO UPDATE SET m = m + excluded.m`, the same SQL on
 * SQLite and PostgreSQL). A changed row counts as its new contribution minus its old one.
 * write() must be the transaction's last statement: rows are locked in one global order
 * (ROLLUP_TABLES, then key), and nothing else is waited for while they are held. Sharded tables get
 * one stripe per write (pickShard, or the one given: the rebuild writes stripe 0).
 */
export class RollupDelta {
  private readonly cells = new Map<RollupTable, Map<string, Cell>>();

  add(table: RollupTable, key: KeyValue[], measures: number[], sign: 1 | -1 = 1): void {
    let cells = this.cells.get(table);
    if (!cells) this.cells.set(table, (cells = new Map()));
    const name = JSON.stringify(key);
    let cell = cells.get(name);
    if (!cell) cells.set(name, (cell = { key, measures: table.measures.map(() => 0) }));
    for (let i = 0; i < measures.length; i += 1) cell.measures[i] += sign * measures[i];
  }

  /** The cells of a table whose sum moved, sorted by key (what write() upserts). */
  changes(table: RollupTable): Cell[] {
    const cells = [...(this.cells.get(table)?.entries() ?? [])].filter(([, cell]) => cell.measures.some((value) => value !== 0));
    return cells.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, cell]) => cell);
  }

  get isEmpty(): boolean {
    return ROLLUP_TABLES.every((table) => this.changes(table).length === 0);
  }

  async write(trx: Knex.Transaction, shard = pickShard()): Promise<void> {
    for (const statement of this.statements(shard)) await trx.raw(statement.sql, statement.bindings as Knex.RawBinding[]);
  }

  /** write()'s upserts, in their order; the delta is then empty. */
  private statements(shard: number): Statement[] {
    const statements = ROLLUP_TABLES.flatMap((table) => chunks(this.changes(table), ROWS_PER_STATEMENT).map((part) => upsert(table, part, shard)));
    this.cells.clear();
    return statements;
  }
}

function upsert(table: RollupTable, cells: Cell[], shard: number): Statement {
  const keys = table.sharded ? [...table.keys, 'shard'] : table.keys;
  const columns = [...keys, ...table.measures];
  const row = `(${columns.map(() => '?').join(', ')})`;
  const sql =
    `INSERT INTO ${table.name} (${columns.join(', ')}) VALUES ${cells.map(() => row).join(', ')} ` +
    `ON CONFLICT (${keys.join(', ')}) DO UPDATE SET ${table.measures.map((measure) => `${measure} = ${table.name}.${measure} + excluded.${measure}`).join(', ')}`;
  return { sql, bindings: cells.flatMap((cell) => [...cell.key, ...(table.sharded ? [shard] : []), ...cell.measures]) };
}
