import type { Knex } from 'knex';
import type { IdGenerator } from '../../protocol/ids.js';
import { toNumber } from '../db/rows.js';
import { monthOf } from './familyPayer.js';

export interface PayerNotice {
  id: string;
  kind: 'charge_paid' | 'refund';
  memberRiderId: string;
  postingId: string;
  journeyId: string | null;
  /** Positive: paid for the member; negative: given back to the payer. */
  amountMinor: number;
  currency: string;
  month: string;
  message: string;
  createdAt: number;
}

export interface NoticeInput {
  kind: PayerNotice['kind'];
  payerRiderId: string;
  memberRiderId: string;
  postingId: string;
  journeyId: string | null;
  amountMinor: number;
  currency: string;
  message: string;
}

/** One notice per posting and payer: a replayed posting adds none. */
export async function recordPayerNotice(trx: Knex.Transaction, ids: IdGenerator, nowMs: number, input: NoticeInput): Promise<void> {
  await trx('payer_notices')
    .insert({
      id: ids(),
      payer_rider_id: input.payerRiderId,
      member_rider_id: input.memberRiderId,
      posting_id: input.postingId,
      journey_id: input.journeyId,
      kind: input.kind,
      amount_minor: input.amountMinor,
      currency: input.currency,
      month: monthOf(nowMs),
      message: input.message,
      created_at: nowMs,
    })
    .onConflict(['posting_id', 'payer_rider_id'])
    .ignore();
}

export async function listPayerNotices(db: Knex, payerRiderId: string, limit = 200): Promise<PayerNotice[]> {
  const rows = await db('payer_notices').where({ payer_rider_id: payerRiderId }).orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(limit);
  return rows.map((row) => ({
    id: String(row.id),
    kind: row.kind,
    memberRiderId: String(row.member_rider_id),
    postingId: String(row.posting_id),
    journeyId: row.journey_id ?? null,
    amountMinor: toNumber(row.amount_minor),
    currency: String(row.currency),
    month: String(row.month),
    message: String(row.message),
    createdAt: toNumber(row.created_at),
  }));
}
