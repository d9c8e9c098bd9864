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
export async function storePassageBatch(ctx: GatewayContext, batch: PassageBatch, receivedAt = ctx.clock.now()): Promise<IngestOutcome> {
  return storeLaneBatch(ctx, GATE_PASSAGES, batch, undefined, receivedAt);
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
  receivedAt = ctx.clock.now(),
): Promise<IngestOutcome<P>> {
  const { candidates, rejected } = screenBatch(spec, batch);
  return inTransaction(ctx.knex, async ({ trx }) => {
    // One lane's batches one at a time: a batch sent again while the first attempt is still being
    // stored (a retry after a timeout) must find its passages, not collide with them.
    await lockForTransaction(trx, `lane:${batch.laneId}`);
    const reads = new Reads(trx);
    const stored = readStored(reads, spec, candidates);
    await reads.run();
    const sorted = new StoredPassages(spec, stored).sort(candidates);
    const rows = sorted.fresh.map((passage) => spec.toRow(passage, receivedAt));
    if (prepare && sorted.fresh.length) await prepare(trx, sorted.fresh, rows);
    await insertRows(trx, spec.table, rows);
    const rollups = new RollupDelta();
    const slots = BusinessSlots.of(ctx.config);
    for (const passage of sorted.fresh) addPassageFacts(rollups, slots, spec.reportFacts(passage));
    await rollups.write(trx);
    return { result: { accepted: sorted.accepted, rejected: [...rejected, ...sorted.rejected] }, inserted: sorted.fresh };
  });
}

type Rejected = PassageBatchResult['rejected'][number];
type LanePassage = { id: string; laneId: string; laneSeq: number };

function rejection(id: string, code: PassageRejection): Rejected {
  return { id, code, message: PASSAGE_REJECTIONS[code] };
}

/** What a batch gets wrong on its own, before anything is read: a passage of another lane, an id or sequence number twice. */
export function screenBatch<P extends LanePassage>(spec: PassageTable<P>, batch: { laneId: string; passages: P[] }): { candidates: P[]; rejected: Rejected[] } {
  const rejected: Rejected[] = [];
  const unique = new Map<string, P>();
  const seqs = new Map<number, string>();
  for (const passage of batch.passages) {
    if (passage.laneId !== batch.laneId) rejected.push(rejection(passage.id, 'LANE_MISMATCH'));
    else if (unique.has(passage.id)) {
      if (spec.differingFields(unique.get(passage.id)!, passage).length) rejected.push(rejection(passage.id, 'DUPLICATE_IN_BATCH'));
    } else if (seqs.has(passage.laneSeq)) rejected.push(rejection(passage.id, 'DUPLICATE_IN_BATCH'));
    else {
      unique.set(passage.id, passage);
      seqs.set(passage.laneSeq, passage.id);
    }
  }
  return { candidates: [...unique.values()], rejected };
}

export interface StoredMatches<P> {
  byId: Map<string, P>;
  /** By `${laneId} ${laneSeq}`. */
  bySeq: Map<string, P>;
}

/** Queue the reads of stored passages sharing an id, or a lane and sequence number, with the candidates (filled once the reads have run). */
export function readStored<P extends LanePassage>(reads: Reads, spec: PassageTable<P>, candidates: readonly P[]): StoredMatches<P> {
  const stored: StoredMatches<P> = { byId: new Map(), bySeq: new Map() };
  const lookup = dialectOf(reads.trx) === 'pg' ? (condition: string) => `CROSS JOIN LATERAL (SELECT * FROM ?? AS t WHERE ${condition} OFFSET 0) AS t` : (condition: string) => `JOIN ?? AS t ON ${condition}`;
  for (const part of chunks(candidates, CHUNK)) {
    const ids = valuesSql(reads.trx, part.map((passage) => [passage.id]), ['text']);
    reads.read({ sql: `WITH i(id) AS (${ids.sql}) SELECT t.* FROM i ${lookup('t.id = i.id')}`, bindings: [...ids.bindings, spec.table] }, (rows) => rows.forEach((row) => stored.byId.set(String(row.id), spec.fromRow(row))));
    const seqs = valuesSql(reads.trx, part.map((passage) => [passage.laneId, passage.laneSeq]), ['text', 'bigint']);
    reads.read({ sql: `WITH s(lane_id, seq) AS (${seqs.sql}) SELECT t.* FROM s ${lookup('t.lane_id = s.lane_id AND t.lane_seq = s.seq')}`, bindings: [...seqs.bindings, spec.table] }, (rows) =>
      rows.forEach((row) => stored.bySeq.set(`${String(row.lane_id)} ${toNumber(row.lane_seq)}`, spec.fromRow(row))),
    );
  }
  return stored;
}

/**
 * Candidates sorted against what is stored, and against those sorted before them (several
 * batches stored in one transaction): new, the same as stored (accepted again, changing nothing),
 * or rejected.
 */
export class StoredPassages<P extends LanePassage> {
  constructor(private readonly spec: PassageTable<P>, private readonly stored: StoredMatches<P>) {}

  sort(candidates: readonly P[]): { fresh: P[]; accepted: string[]; rejected: Rejected[] } {
    const fresh: P[] = [];
    const accepted: string[] = [];
    const rejected: Rejected[] = [];
    for (const passage of candidates) {
      const stored = this.stored.byId.get(passage.id);
      const seq = `${passage.laneId} ${passage.laneSeq}`;
      if (stored) {
        if (this.spec.differingFields(stored, passage).length) rejected.push(rejection(passage.id, 'PASSAGE_CONFLICT'));
        else accepted.push(passage.id);
      } else if (this.stored.bySeq.has(seq)) rejected.push(rejection(passage.id, 'LANE_SEQ_CONFLICT'));
      else {
        fresh.push(passage);
        this.stored.byId.set(passage.id, passage);
        this.stored.bySeq.set(seq, passage);
      }
    }
    return { fresh, accepted: [...accepted, ...fresh.map((passage) => passage.id)], rejected };
  }
}

