import type { Knex } from 'knex';
import { toNullableNumber, toNumber } from '../db/rows.js';

/** design.md section 5: advanced (the operator was paid for the debtor), in_grace (a retry failed), deny_listed, settled. */
export type ArrearsState = 'advanced' | 'in_grace' | 'deny_listed' | 'settled';

export type ArrearsReason = 'CHARGE_NOT_COVERED' | 'RETRY_FAILED' | 'GRACE_EXPIRED' | 'REPAID' | 'REFUNDED' | 'CORRECTED';

/** One advanced charge and the debt it left. */
export interface ArrearsRecord {
  id: string;
  ownerKind: string;
  ownerId: string;
  accountId: string;
  postingId: string;
  journeyId: string | null;
  currency: string;
  advancedMinor: number;
  repaidMinor: number;
  waivedMinor: number;
  outstandingMinor: number;
  state: ArrearsState;
  retries: number;
  advancedAt: number;
  graceEndsAt: number;
  nextRetryAt: number;
  settledAt: number | null;
}

export interface ArrearsEvent {
  arrearsId: string;
  at: number;
  from: ArrearsState | null;
  to: ArrearsState;
  reason: ArrearsReason;
  postingId: string | null;
  amountMinor: number | null;
}

type Db = Knex | Knex.Transaction;

export function arrearsFromRow(row: Record<string, unknown>): ArrearsRecord {
  const advancedMinor = toNumber(row.advanced_minor);
  const repaidMinor = toNumber(row.repaid_minor);
  const waivedMinor = toNumber(row.waived_minor);
  return {
    id: String(row.id),
    ownerKind: String(row.owner_kind),
    ownerId: String(row.owner_id),
    accountId: String(row.account_id),
    postingId: String(row.posting_id),
    journeyId: (row.journey_id as string | null) ?? null,
    currency: String(row.currency),
    advancedMinor,
    repaidMinor,
    waivedMinor,
    outstandingMinor: advancedMinor - repaidMinor - waivedMinor,
    state: row.state as ArrearsState,
    retries: toNumber(row.retries),
    advancedAt: toNumber(row.advanced_at),
    graceEndsAt: toNumber(row.grace_ends_at),
    nextRetryAt: toNumber(row.next_retry_at),
    settledAt: toNullableNumber(row.settled_at),
  };
}

/** Records not yet settled, oldest first: the order debts are repaid in. */
export async function openArrearsOf(db: Db, ownerId: string): Promise<ArrearsRecord[]> {
  const rows = await db('arrears').where({ owner_id: ownerId }).whereNot('state', 'settled').orderBy([{ column: 'advanced_at' }, { column: 'id' }]).select();
  return rows.map(arrearsFromRow);
}

export async function listArrearsOf(db: Db, ownerId: string, limit = 200): Promise<ArrearsRecord[]> {
  const rows = await db('arrears').where({ owner_id: ownerId }).orderBy([{ column: 'advanced_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(limit).select();
  return rows.map(arrearsFromRow);
}

export async function listArrearsEventsOf(db: Db, ownerId: string, limit = 500): Promise<ArrearsEvent[]> {
  const rows = await db('arrears_events').where({ owner_id: ownerId }).orderBy('id', 'desc').limit(limit).select();
  return rows.map((row) => ({
    arrearsId: String(row.arrears_id),
    at: toNumber(row.at),
    from: (row.from_state as ArrearsState | null) ?? null,
    to: row.to_state as ArrearsState,
    reason: row.reason as ArrearsReason,
    postingId: (row.posting_id as string | null) ?? null,
    amountMinor: toNullableNumber(row.amount_minor),
  }));
}

/**
 * Write a record's new amounts and state, and the event that explains it. Every transition is an
 * event with a reason; the money of a repayment or a waiver is the posting the event names.
 */
export async function saveTransition(
  trx: Knex.Transaction,
  nowMs: number,
  before: ArrearsRecord,
  after: ArrearsRecord,
  reason: ArrearsReason,
  money?: { postingId: string; amountMinor: number },
): Promise<void> {
  await trx('arrears').where({ id: after.id }).update({
    repaid_minor: after.repaidMinor,
    waived_minor: after.waivedMinor,
    state: after.state,
    retries: after.retries,
    next_retry_at: after.nextRetryAt,
    settled_at: after.settledAt,
    updated_at: nowMs,
  });
  await trx('arrears_events').insert({
    arrears_id: after.id,
    owner_id: after.ownerId,
    at: nowMs,
    from_state: before.state,
    to_state: after.state,
    reason,
    posting_id: money?.postingId ?? null,
    amount_minor: money?.amountMinor ?? null,
  });
}
