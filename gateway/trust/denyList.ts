import type { Knex } from 'knex';
import type { TrustChange } from '../../protocol/laneApi.js';
import { lockForTransaction } from '../db/locks.js';
import { appendTrustChange } from './trustLog.js';

export interface DenyListEntry {
  tokenId: string;
  reason: string;
  addedAt: number;
  version: number;
}

/** Deny a token at every gate. A token already denied keeps its entry and makes no change. */
export async function denyToken(trx: Knex.Transaction, nowMs: number, tokenId: string, reason: string): Promise<TrustChange | undefined> {
  // The trust log's own lock, taken before the check rather than at the append: requests denying
  // one token at once then see each other's entry (and no new lock order is introduced).
  await lockForTransaction(trx, 'trust_changes');
  const existing = await trx('deny_list').where({ token_id: tokenId }).first('token_id');
  if (existing) return undefined;
  const change = await appendTrustChange(trx, nowMs, { kind: 'deny.add', tokenId, reason });
  await trx('deny_list').insert({ token_id: tokenId, reason, added_at: nowMs, version: change.version });
  return change;
}

/** Release a token; `onlyReason` releases it only if it was denied for that reason. */
export async function releaseToken(trx: Knex.Transaction, nowMs: number, tokenId: string, onlyReason?: string): Promise<TrustChange | undefined> {
  await lockForTransaction(trx, 'trust_changes');
  const existing = await trx('deny_list').where({ token_id: tokenId }).first('reason');
  if (!existing || (onlyReason !== undefined && existing.reason !== onlyReason)) return undefined;
  await trx('deny_list').where({ token_id: tokenId }).delete();
  return appendTrustChange(trx, nowMs, { kind: 'deny.remove', tokenId });
}

export async function listDenyList(db: Knex | Knex.Transaction): Promise<DenyListEntry[]> {
  const rows = await db('deny_list').orderBy('version').select();
  return rows.map((row) => ({ tokenId: row.token_id, reason: row.reason, addedAt: Number(row.added_at), version: Number(row.version) }));
}
