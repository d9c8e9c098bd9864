import type { Knex } from 'knex';
import { rowsOf } from '../db/bulk.js';
import type { BusinessSlot, BusinessSlots } from './businessSlots.js';

/** A raw table summed by business slot: `dims` and `sums` are SQL expressions, valid on SQLite and PostgreSQL. */
export interface SlotSource {
  table: string;
  /** The column of Unix milliseconds that places a row in a slot. */
  time: string;
  dims: readonly string[];
  sums: readonly string[];
}

export type SlotRow = { dims: Array<string | number>; sums: number[] };

/**
 * Sum a raw table by business slot and dimensions in the database: grouped by time bucket
 * (BusinessSlots.bucketMs, integer division on both engines) and mapped to slots here, one zone
 * lookup per bucket. A bucket an offset change cuts in two is summed again per instant.
 */
export async function sumBySlot(db: Knex | Knex.Transaction, slots: BusinessSlots, source: SlotSource, visit: (slot: BusinessSlot, row: SlotRow) => void): Promise<number> {
  const columns = [...source.dims.map((dim, i) => `${dim} AS d${i}`), ...source.sums.map((sum, i) => `${sum} AS s${i}`)];
  const positions = source.dims.map((_, i) => i + 2);
  const grouped = await db.raw(`SELECT ${source.time} / ${slots.bucketMs} AS bucket, ${columns.join(', ')} FROM ${source.table} GROUP BY ${[1, ...positions].join(', ')}`);
  const odd = new Set<number>();
  let rows = 0;
  for (const row of rowsOf(grouped)) {
    const bucket = Number(row.bucket);
    const slot = slots.ofBucket(bucket);
    if (!slot) {
      odd.add(bucket);
      continue;
    }
    visit(slot, slotRow(source, row));
    rows += 1;
  }
  for (const bucket of odd) {
    const exact = await db.raw(`SELECT ${source.time} AS at, ${columns.join(', ')} FROM ${source.table} WHERE ${source.time} >= ? AND ${source.time} < ? GROUP BY ${[1, ...positions].join(', ')}`, [bucket * slots.bucketMs, (bucket + 1) * slots.bucketMs]);
    for (const row of rowsOf(exact)) {
      visit(slots.exact(Number(row.at)), slotRow(source, row));
      rows += 1;
    }
  }
  return rows;
}

function slotRow(source: SlotSource, row: Record<string, unknown>): SlotRow {
  return {
    dims: source.dims.map((_, i) => {
      const value = row[`d${i}`];
      return typeof value === 'number' || typeof value === 'bigint' ? Number(value) : String(value);
    }),
    sums: source.sums.map((_, i) => Number(row[`s${i}`] ?? 0)),
  };
}
