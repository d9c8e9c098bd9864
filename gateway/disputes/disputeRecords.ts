import type { Knex } from 'knex';
import { toNullableNumber, toNumber } from '../db/rows.js';
import { NotFoundError } from '../errors.js';
import { operatorHoldsForJourney } from '../ledger/netCharged.js';

export type DisputeState = 'open' | 'granted' | 'rejected';

/** A rider's dispute of one charge (docs/api.md, "Disputes"). */
export interface Dispute {
  id: string;
  riderId: string;
  chargeId: string;
  journeyId: string | null;
  operatorId: string;
  currency: string;
  reason: string;
  state: DisputeState;
  grantedMinor: number | null;
  decisionNote: string | null;
  refundPostingId: string | null;
  openedAt: number;
  decidedAt: number | null;
}

type Db = Knex | Knex.Transaction;

export function disputeFromRow(row: Record<string, unknown>): Dispute {
  return {
    id: String(row.id),
    riderId: String(row.rider_id),
    chargeId: String(row.posting_id),
    journeyId: (row.journey_id as string | null) ?? null,
    operatorId: String(row.operator_id),
    currency: String(row.currency),
    reason: String(row.reason),
    state: row.state as DisputeState,
    grantedMinor: toNullableNumber(row.granted_minor),
    decisionNote: (row.decision_note as string | null) ?? null,
    refundPostingId: (row.refund_posting_id as string | null) ?? null,
    openedAt: toNumber(row.opened_at),
    decidedAt: toNullableNumber(row.decided_at),
  };
}

export async function requireDispute(db: Db, disputeId: string): Promise<Dispute> {
  const row = await db('disputes').where({ id: disputeId }).first();
  if (!row) throw new NotFoundError('DISPUTE_NOT_FOUND', `dispute ${disputeId}`);
  return disputeFromRow(row);
}

export async function listDisputes(db: Db, query: { riderId?: string; operatorId?: string; state?: DisputeState }): Promise<Dispute[]> {
  const builder = db('disputes').orderBy([{ column: 'opened_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(500).select();
  if (query.riderId) builder.where('rider_id', query.riderId);
  if (query.operatorId) builder.where('operator_id', query.operatorId);
  if (query.state) builder.where('state', query.state);
  return (await builder).map(disputeFromRow);
}

/** What is left to refund on a charge: its amount less granted refunds, never more than the operator still holds for the journey. */
export async function refundableMinor(db: Db, charge: { postingId: string; journeyId: string | null; amountMinor: number }): Promise<number> {
  const granted = await db('disputes').where({ posting_id: charge.postingId, state: 'granted' }).sum({ total: 'granted_minor' }).first();
  const left = charge.amountMinor - toNumber(granted?.total ?? 0);
  if (!charge.journeyId) return Math.max(0, left);
  return Math.max(0, Math.min(left, await operatorHoldsForJourney(db, charge.journeyId)));
}
