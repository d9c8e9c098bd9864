import type { Knex } from 'knex';
import { TrustChange, type TrustChanges } from '../../protocol/laneApi.js';
import { lockForTransaction } from '../db/locks.js';

/** A change before the log gives it a version and a time. */
export type TrustChangeInput = TrustChange extends infer C ? (C extends TrustChange ? Omit<C, 'version' | 'at'> : never) : never;

/**
 * The versioned log of key and deny-list changes every lane applies in order (protocol/laneApi.ts).
 * Versions are gap-free and increase by one; appends are serialised by a lock on the log.
 */
export async function appendTrustChange(trx: Knex.Transaction, nowMs: number, input: TrustChangeInput): Promise<TrustChange> {
  await lockForTransaction(trx, 'trust_changes');
  const row = await trx('trust_changes').max({ version: 'version' }).first();
  const version = Number(row?.version ?? 0) + 1;
  const change = TrustChange.parse({ ...input, version, at: nowMs });
  await trx('trust_changes').insert({ version, kind: change.kind, payload: JSON.stringify(change), at: nowMs });
  return change;
}

export async function trustChangesSince(db: Knex | Knex.Transaction, sinceVersion: number, limit = 10_000): Promise<TrustChanges> {
  const [rows, newest] = await Promise.all([
    db('trust_changes').where('version', '>', sinceVersion).orderBy('version').limit(limit).select('payload'),
    db('trust_changes').max({ version: 'version' }).first(),
  ]);
  return { version: Number(newest?.version ?? 0), changes: rows.map((row) => TrustChange.parse(JSON.parse(row.payload))) };
}
