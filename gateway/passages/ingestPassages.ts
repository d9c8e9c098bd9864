import type { Knex } from 'knex';
import type { PassageBatch, PassageBatchResult, PassageRecord } from '../../protocol/laneApi.js';
import type { GatewayContext } from '../context.js';
import { inTransaction } from '../db/unitOfWork.js';
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

export interface IngestOutcome {
  result: PassageBatchResult;
  /** Passages stored by this call (not earlier ones): what pairing must look at. */
  inserted: PassageRecord[];
}

/**
 * Store a lane's batch. Each passage id is stored exactly once (design.md section 5): an id sent
 * again with the same content is accepted again and changes nothing; with different content it
 * is rejected with PASSAGE_CONFLICT. One transaction per batch.
 */
export async function storePassageBatch(ctx: GatewayContext, batch: PassageBatch): Promise<IngestOutcome> {
  const receivedAt = ctx.clock.now();
  return inTransaction(ctx.knex, async ({ trx }) => {
    const accepted: string[] = [];
    const rejected: PassageBatchResult['rejected'] = [];
    const reject = (id: string, code: PassageRejection) => rejected.push({ id, code, message: PASSAGE_REJECTIONS[code] });

    const unique = new Map<string, PassageRecord>();
    const seqs = new Map<number, string>();
    for (const passage of batch.passages) {
      if (passage.laneId !== batch.laneId) reject(passage.id, 'LANE_MISMATCH');
      else if (unique.has(passage.id)) {
        if (differingFields(unique.get(passage.id)!, passage).length) reject(passage.id, 'DUPLICATE_IN_BATCH');
      } else if (seqs.has(passage.laneSeq)) reject(passage.id, 'DUPLICATE_IN_BATCH');
      else {
        unique.set(passage.id, passage);
        seqs.set(passage.laneSeq, passage.id);
      }
    }
    const candidates = [...unique.values()];
    const storedById = await loadBy(trx, 'id', candidates.map((passage) => passage.id));
    const storedBySeq = await loadBy(trx, 'lane_seq', candidates.map((passage) => passage.laneSeq), batch.laneId);
    const fresh: PassageRecord[] = [];
    for (const passage of candidates) {
      const stored = storedById.get(passage.id);
      if (stored) {
        if (differingFields(stored, passage).length) reject(passage.id, 'PASSAGE_CONFLICT');
        else accepted.push(passage.id);
      } else if (storedBySeq.has(passage.laneSeq)) reject(passage.id, 'LANE_SEQ_CONFLICT');
      else fresh.push(passage);
    }
    for (let i = 0; i < fresh.length; i += CHUNK) await trx('passages').insert(fresh.slice(i, i + CHUNK).map((passage) => passageToRow(passage, receivedAt)));
    accepted.push(...fresh.map((passage) => passage.id));
    return { result: { accepted, rejected }, inserted: fresh };
  });
}

async function loadBy(trx: Knex.Transaction, column: 'id' | 'lane_seq', values: Array<string | number>, laneId?: string): Promise<Map<string | number, PassageRecord>> {
  const found = new Map<string | number, PassageRecord>();
  for (let i = 0; i < values.length; i += CHUNK) {
    const query = trx('passages').whereIn(column, values.slice(i, i + CHUNK)).select();
    if (laneId) query.where('lane_id', laneId);
    for (const row of await query) {
      const passage = passageFromRow(row);
      found.set(column === 'id' ? passage.id : passage.laneSeq, passage);
    }
  }
  return found;
}
