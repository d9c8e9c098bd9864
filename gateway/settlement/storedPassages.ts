import type { Knex } from 'knex';
import { passageFingerprint } from '../../protocol/passageFingerprint.js';
import { chunks } from '../db/bulk.js';
import { toNumber } from '../db/rows.js';
import { passageFromRow } from '../passages/passageRecords.js';
import { tollPassageFromRow } from '../tolls/tollPassageRecords.js';
import type { BusinessDayWindow } from './businessDays.js';
import type { GatewayLaneLookup, JournalEntry } from './laneReconciliation.js';
import { tollProduct, transitProduct } from './products.js';

const TABLES = ['passages', 'toll_passages'] as const;

/** A lane of the operator, and where the statement learnt of it. */
export interface OperatorLane {
  laneId: string;
  stationId: string;
}

export interface PassageLine {
  laneId: string;
  stationId: string;
  product: string;
  direction: string;
  passages: number;
}

/** The passages the gateway stored for one lane and day: as journal entries, and counted by product and direction. */
export interface StoredLaneDay {
  entries: JournalEntry[];
  lines: PassageLine[];
}

/**
 * The lanes settlement expects a report from for a day at these stations: every lane with a
 * passage stored for the day or a report of the day, and every lane that was running then: it
 * has sent a status report since the day began, and its first passage is older than the day's
 * end. A lane last heard of before the day is taken as gone, one first seen after it as new.
 */
export async function lanesOfDay(db: Knex, stationIds: readonly string[], window: BusinessDayWindow): Promise<OperatorLane[]> {
  const lanes = new Map<string, OperatorLane>();
  const note = (rows: Array<Record<string, unknown>>) => {
    for (const row of rows) if (!lanes.has(String(row.lane_id))) lanes.set(String(row.lane_id), { laneId: String(row.lane_id), stationId: String(row.station_id) });
  };
  const running: Array<Record<string, unknown>> = [];
  for (const part of chunks(stationIds)) {
    for (const table of TABLES) {
      note(await db(table).whereIn('station_id', part).where('passed_at', '>=', window.fromMs).where('passed_at', '<', window.toMs).distinct('lane_id', 'station_id'));
    }
    note(await db('lane_journal_days').where({ day: window.day }).whereIn('station_id', part).select('lane_id', 'station_id'));
    running.push(...(await db('lane_reports').whereIn('station_id', part).where('reported_at', '>=', window.fromMs).select('lane_id', 'station_id')));
  }
  for (const row of running) if (!lanes.has(String(row.lane_id)) && (await firstPassageAt(db, String(row.lane_id))) < window.toMs) note([row]);
  return [...lanes.values()].sort((a, b) => a.laneId.localeCompare(b.laneId));
}

/** When a lane's first stored passage passed (its lowest sequence number); Infinity when it has none. */
async function firstPassageAt(db: Knex, laneId: string): Promise<number> {
  let first = Infinity;
  for (const table of TABLES) {
    const row = await db(table).where({ lane_id: laneId }).orderBy('lane_seq').first('passed_at');
    if (row) first = Math.min(first, toNumber(row.passed_at));
  }
  return first;
}

/** Fingerprints computed from the stored rows, so a row changed after it was stored shows. */
export async function storedLaneDay(db: Knex, lane: OperatorLane, window: BusinessDayWindow): Promise<StoredLaneDay> {
  const entries: JournalEntry[] = [];
  const counts = new Map<string, PassageLine>();
  const count = (product: string, direction: string) => {
    const key = `${product}|${direction}`;
    const line = counts.get(key) ?? { laneId: lane.laneId, stationId: lane.stationId, product, direction, passages: 0 };
    line.passages++;
    counts.set(key, line);
  };
  for (const table of TABLES) {
    const rows = await db(table).where({ station_id: lane.stationId, lane_id: lane.laneId }).where('passed_at', '>=', window.fromMs).where('passed_at', '<', window.toMs).select();
    for (const row of rows) {
      if (table === 'passages') {
        const record = passageFromRow(row);
        entries.push({ seq: record.laneSeq, id: record.id, fingerprint: passageFingerprint(record) });
        count(transitProduct(record.mode, record.fareClass), record.direction);
      } else {
        const record = tollPassageFromRow(row);
        entries.push({ seq: record.laneSeq, id: record.id, fingerprint: passageFingerprint(record) });
        count(tollProduct(record.vehicleClass), record.direction);
      }
    }
  }
  entries.sort((a, b) => a.seq - b.seq);
  return { entries, lines: [...counts.values()].sort((a, b) => a.product.localeCompare(b.product) || a.direction.localeCompare(b.direction)) };
}

/** What the gateway holds of a lane on any day, for the reconciliation's cross-day checks. */
export function gatewayLaneLookup(db: Knex, laneId: string): GatewayLaneLookup {
  return {
    async holds(seqs) {
      const held = new Set<number>();
      for (const part of chunks(seqs))
        for (const table of TABLES) for (const row of await db(table).where({ lane_id: laneId }).whereIn('lane_seq', part).select('lane_seq')) held.add(toNumber(row.lane_seq));
      return held;
    },
    async holdsBetween(first, last) {
      const held: number[] = [];
      for (const table of TABLES) for (const row of await db(table).where({ lane_id: laneId }).whereBetween('lane_seq', [first, last]).select('lane_seq')) held.push(toNumber(row.lane_seq));
      return held;
    },
  };
}
