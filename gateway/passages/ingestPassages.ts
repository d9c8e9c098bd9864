import type { Knex } from 'knex';
import type { PassageBatch, PassageBatchResult, PassageRecord } from '../../protocol/laneApi.js';
import type { GatewayContext } from '../context.js';
import { lockForTransaction } from '../db/locks.js';
import { chunks, valuesSql } from '../db/bulk.js';
import { insertRows } from '../db/insertRows.js';
import { toNumber } from '../db/rows.js';
import { Reads } from '../db/together.js';
import { dialectOf } from '../../db/connect.js';
import { inTransaction } from '../db/unitOfWork.js';
import { BusinessSlots } from '../reports/businessSlots.js';
import { addPassageFacts, gatePassageFacts, type PassageFacts } from '../reports/passageRollup.js';
import { RollupDelta } from '../reports/rollupDelta.js';
import { differingFields, passageFromRow, passageToRow } from './passageRecords.js';

/** Why a passage is refused for good (the lane keeps it and alerts; it does not retry). */
export const PASSAGE_REJECTIONS = {
  PASSAGE_CONFLICT: 'this passage id was stored before with different content',
  LANE_SEQ_CONFLICT: 'another passage already has this lane sequence number',
  LANE_MISMATCH: 'the passage names another lane than its batch',
  DUPLICATE_IN_BATCH: 'the batch holds this id or lane sequence twice with different content',
} as const;
export type PassageRejection = keyof typeof PASSAGE_REJECTIONS;

const CHUNK = 400; // well below every driver's bound-parameter limit

/** A table of lane passages: gate passages (passages) or toll passages (toll_passages). */
export interface PassageTable<P extends { id: string; laneId: string; laneSeq: number }> {
  table: string;
  toRow(passage: P, receivedAt: number): Record<string, unknown>;
  fromRow(row: Record<string, unknown>): P;
  /** The fields in which a re-sent passage differs from the stored one (none: a harmless retry). */
  differingFields(stored: P, sent: P): string[];
  /** What the passage adds to the report rollups (gateway/reports/passageRollup.ts). */
  reportFacts(passage: P): PassageFacts;
}

export interface IngestOutcome<P = PassageRecord> {
  result: PassageBatchResult;
  /** Passages stored by this call (not earlier ones): what pairing must look at. */
  inserted: P[];
}

export const GATE_PASSAGES: PassageTable<PassageRecord> = { table: 'passages', toRow: passageToRow, fromRow: passageFromRow, differingFields, reportFacts: gatePassageFacts };

/**
 * Store a lane's batch. Each passage id is stored exactly once (design.md section 5): an id sent
 * again with the same content is accepted again and changes nothing; with different content it
 * is rejected with PASSAGE_CONFLICT. One transaction per batch, which also adds the new passages
 * to the report rollups.
 */
export async function storePassageBatch(ctx: GatewayContext, batch: PassageBatch): Promise<IngestOutcome> {
  return storeLaneBatch(ctx, GATE_PASSAGES, batch);
}

/**
 * The batch rules of storePassageBatch for any passage table; `prepare` may add derived columns
 * to the new rows inside the same transaction (toll passages resolve their vehicle there).
 */
export async function storeLaneBatch<P extends { id: string; laneId: string; laneSeq: number }>(
  ctx: GatewayContext,
  spec: PassageTable<P>,
  batch: { laneId: string; passages: P[] },
  prepare?: (trx: Knex.Transaction, fresh: P[], rows: Array<Record<string, unknown>>) => Promise<void>,
): Promise<IngestOutcome<P>> {
  const receivedAt = ctx.clock.now();
  return inTransaction(ctx.knex, async ({ trx }) => {
    // One lane's batches one at a time: a batch sent again while the first attempt is still being
    // stored (a retry after a timeout) must find its passages, not collide with them.
    await lockForTransaction(trx, `lane:${batch.laneId}`);
    const accepted: string[] = [];
    const rejected: PassageBatchResult['rejected'] = [];
    const reject = (id: string, code: PassageRejection) => rejected.push({ id, code, message: PASSAGE_REJECTIONS[code] });

    const unique = new Map<string, P>();
    const seqs = new Map<number, string>();
    for (const passage of batch.passages) {
      if (passage.laneId !== batch.laneId) reject(passage.id, 'LANE_MISMATCH');
      else if (unique.has(passage.id)) {
        if (spec.differingFields(unique.get(passage.id)!, passage).length) reject(passage.id, 'DUPLICATE_IN_BATCH');
      } else if (seqs.has(passage.laneSeq)) reject(passage.id, 'DUPLICATE_IN_BATCH');
      else {
        unique.set(passage.id, passage);
        seqs.set(passage.laneSeq, passage.id);
      }
    }
    const candidates = [...unique.values()];
    const { storedById, storedBySeq } = await loadStored(trx, spec, batch.laneId, candidates);
    const fresh: P[] = [];
    for (const passage of candidates) {
      const stored = storedById.get(passage.id);
      if (stored) {
        if (spec.differingFields(stored, passage).length) reject(passage.id, 'PASSAGE_CONFLICT');
        else accepted.push(passage.id);
      } else if (storedBySeq.has(passage.laneSeq)) reject(passage.id, 'LANE_SEQ_CONFLICT');
      else fresh.push(passage);
    }
    const rows = fresh.map((passage) => spec.toRow(passage, receivedAt));
    if (prepare && fresh.length) await prepare(trx, fresh, rows);
    await insertRows(trx, spec.table, rows);
    const rollups = new RollupDelta();
    const slots = BusinessSlots.of(ctx.config);
    for (const passage of fresh) addPassageFacts(rollups, slots, spec.reportFacts(passage));
    await rollups.write(trx);
    accepted.push(...fresh.map((passage) => passage.id));
    return { result: { accepted, rejected }, inserted: fresh };
  });
}

/** The stored passages that share an id or (on this lane) a sequence number with the batch's, in one query. */
async function loadStored<P extends { id: string; laneId: string; laneSeq: number }>(trx: Knex.Transaction, spec: PassageTable<P>, laneId: string, candidates: readonly P[]): Promise<{ storedById: Map<string, P>; storedBySeq: Map<number, P> }> {
  const storedById = new Map<string, P>();
  const storedBySeq = new Map<number, P>();
  const reads = new Reads(trx);
  const lookup = dialectOf(trx) === 'pg' ? (condition: string) => `CROSS JOIN LATERAL (SELECT * FROM ?? AS t WHERE ${condition} OFFSET 0) AS t` : (condition: string) => `JOIN ?? AS t ON ${condition}`;
  for (const part of chunks(candidates, CHUNK)) {
    const ids = valuesSql(trx, part.map((passage) => [passage.id]), ['text']);
    reads.read({ sql: `WITH i(id) AS (${ids.sql}) SELECT t.* FROM i ${lookup('t.id = i.id')}`, bindings: [...ids.bindings, spec.table] }, (rows) => rows.forEach((row) => storedById.set(String(row.id), spec.fromRow(row))));
    const seqs = valuesSql(trx, part.map((passage) => [passage.laneSeq]), ['bigint']);
    reads.read({ sql: `WITH s(seq) AS (${seqs.sql}) SELECT t.* FROM s ${lookup('t.lane_id = ? AND t.lane_seq = s.seq')}`, bindings: [...seqs.bindings, spec.table, laneId] }, (rows) => rows.forEach((row) => storedBySeq.set(toNumber(row.lane_seq), spec.fromRow(row))));
  }
  await reads.run();
  return { storedById, storedBySeq };
}
