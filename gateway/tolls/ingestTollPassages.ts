import type { Knex } from 'knex';
import type { TollPassageBatch, TollPassageRecord } from '../../protocol/toll.js';
import type { GatewayContext } from '../context.js';
import { chunks } from '../db/bulk.js';
import { storeLaneBatch, type IngestOutcome } from '../passages/ingestPassages.js';
import { TOLL_PASSAGES } from './tollPassageRecords.js';

/** A stored toll passage and the vehicle token it is charged to (null: no account has the vehicle). */
export interface ResolvedTollPassage {
  passage: TollPassageRecord;
  vehicleTokenId: string | null;
}

/**
 * Store a toll lane's batch with the rules of gate passages (ingestPassages.ts: each id once,
 * PASSAGE_CONFLICT, LANE_SEQ_CONFLICT, one transaction), resolving each new passage's vehicle in
 * the same transaction: the token the lane named if a vehicle has it (removed ones too: the
 * passage happened while it was registered), else the registered tag, else the registered
 * plate. A lane whose copy of the vehicle list was stale still charges the right account.
 */
export async function storeTollPassageBatch(ctx: GatewayContext, batch: TollPassageBatch): Promise<IngestOutcome<ResolvedTollPassage>> {
  const resolved = new Map<string, string | null>();
  const outcome = await storeLaneBatch(ctx, TOLL_PASSAGES, batch, async (trx, fresh, rows) => {
    const tokens = await resolveVehicleTokens(trx, fresh);
    rows.forEach((row, index) => {
      row.vehicle_token_id = tokens[index];
      resolved.set(fresh[index].id, tokens[index]);
    });
  });
  return { result: outcome.result, inserted: outcome.inserted.map((passage) => ({ passage, vehicleTokenId: resolved.get(passage.id) ?? null })) };
}

async function resolveVehicleTokens(trx: Knex.Transaction, passages: readonly TollPassageRecord[]): Promise<Array<string | null>> {
  const byToken = new Set<string>();
  const byTag = new Map<string, string>();
  const byPlate = new Map<string, string>();
  const tokenIds = [...new Set(passages.flatMap((passage) => (passage.tokenId ? [passage.tokenId] : [])))];
  const tagIds = [...new Set(passages.flatMap((passage) => (passage.tagId ? [passage.tagId] : [])))];
  const plates = [...new Set(passages.flatMap((passage) => (passage.plate ? [passage.plate] : [])))];
  for (const part of chunks(tokenIds)) for (const row of await trx('vehicles').whereIn('token_id', part).select('token_id')) byToken.add(String(row.token_id));
  for (const part of chunks(tagIds)) for (const row of await trx('vehicles').whereIn('active_tag', part).select('active_tag', 'token_id')) byTag.set(String(row.active_tag), String(row.token_id));
  for (const part of chunks(plates)) for (const row of await trx('vehicles').whereIn('active_plate', part).select('active_plate', 'token_id')) byPlate.set(String(row.active_plate), String(row.token_id));
  return passages.map((passage) => {
    if (passage.tokenId && byToken.has(passage.tokenId)) return passage.tokenId;
    if (passage.tagId && byTag.has(passage.tagId)) return byTag.get(passage.tagId)!;
    if (passage.plate && byPlate.has(passage.plate)) return byPlate.get(passage.plate)!;
    return null;
  });
}
