import type { Knex } from 'knex';
import type { IdGenerator } from '../../protocol/ids.js';
import { lockForTransaction } from '../db/locks.js';
import { IdempotencyConflictError } from '../errors.js';

/** charge and adjust: a journey's fare; refund: a granted dispute; arrears_repay: a debt repaid. */
export type PostingKind = 'charge' | 'adjust' | 'topup' | 'refund' | 'arrears_repay';

export interface LedgerPostingInput {
  /** Makes the posting happen once: `charge:<journeyId>`, `topup:<riderId>:<reference>`. */
  idempotencyKey: string;
  kind: PostingKind;
  currency: string;
  description: string;
  journeyId?: string;
  riderId?: string;
  operatorId?: string;
  entries: Array<{ accountId: string; amountMinor: number }>;
}

export interface LedgerPosting {
  id: string;
  /** False when the key had been posted before with the same entries: nothing changed. */
  created: boolean;
}

/**
 * Append a balanced posting. The ledger is append-only (design.md section 6): corrections are
 * new postings. A key already posted with the same body (kind, currency, journey, rider, operator
 * and entries) changes nothing; with a different body it is an IdempotencyConflictError.
 */
export async function post(trx: Knex.Transaction, ids: IdGenerator, nowMs: number, input: LedgerPostingInput): Promise<LedgerPosting> {
  const sum = input.entries.reduce((total, entry) => total + entry.amountMinor, 0);
  if (sum !== 0) throw new Error(`posting ${input.idempotencyKey} does not balance: entries sum to ${sum}`);
  if (input.entries.some((entry) => !Number.isSafeInteger(entry.amountMinor))) throw new Error(`posting ${input.idempotencyKey} has a non-integer amount`);

  // Requests carrying one key at once (a client retrying, a user double-clicking) see each other's
  // posting: without the lock both would find none and the second would fail on the unique key.
  await lockForTransaction(trx, `posting:${input.idempotencyKey}`);
  const existing = await trx('postings').where({ idempotency_key: input.idempotencyKey }).first();
  if (existing) {
    const entries = await trx('ledger_entries').where({ posting_id: existing.id }).select('account_id', 'amount_minor');
    const sameBody = existing.kind === input.kind && existing.currency === input.currency && (existing.journey_id ?? undefined) === input.journeyId
      && (existing.rider_id ?? undefined) === input.riderId && (existing.operator_id ?? undefined) === input.operatorId;
    if (!sameBody || !sameEntries(entries.map((row) => ({ accountId: row.account_id, amountMinor: Number(row.amount_minor) })), input.entries)) {
      throw new IdempotencyConflictError(input.idempotencyKey);
    }
    return { id: existing.id, created: false };
  }
  const id = ids();
  await trx('postings').insert({
    id,
    idempotency_key: input.idempotencyKey,
    kind: input.kind,
    journey_id: input.journeyId ?? null,
    rider_id: input.riderId ?? null,
    operator_id: input.operatorId ?? null,
    currency: input.currency,
    created_at: nowMs,
    description: input.description,
  });
  await trx('ledger_entries').insert(input.entries.map((entry) => ({ posting_id: id, account_id: entry.accountId, amount_minor: entry.amountMinor })));
  return { id, created: true };
}

function sameEntries(a: LedgerPostingInput['entries'], b: LedgerPostingInput['entries']): boolean {
  const key = (entries: LedgerPostingInput['entries']) => entries.map((entry) => `${entry.accountId}=${entry.amountMinor}`).sort().join(',');
  return key(a) === key(b);
}

/** Postings whose entries do not sum to zero; an empty list proves the ledger balances. */
export async function findUnbalancedPostings(db: Knex | Knex.Transaction): Promise<Array<{ postingId: string; sumMinor: number }>> {
  const rows: Array<Record<string, unknown>> = await db('postings')
    .leftJoin('ledger_entries', 'ledger_entries.posting_id', 'postings.id')
    .groupBy('postings.id')
    .select('postings.id as posting_id')
    .sum({ total: 'ledger_entries.amount_minor' })
    .count({ entries: 'ledger_entries.id' });
  return rows
    .filter((row) => Number(row.total ?? 0) !== 0 || Number(row.entries) < 2)
    .map((row) => ({ postingId: String(row.posting_id), sumMinor: Number(row.total ?? 0) }));
}
