import type { Knex } from 'knex';
import { toNumber } from '../db/rows.js';

/** The Charge shape of docs/api.md: one journey posting (a charge or a correction). */
export interface Charge {
  id: string;
  journeyId: string | null;
  riderId: string | null;
  operatorId: string | null;
  /** Positive: the rider paid this much; negative: a correction gave it back. */
  amountMinor: number;
  currency: string;
  postedAt: number;
  description: string;
}

export interface ChargeQuery {
  riderId?: string;
  operatorId?: string;
  fromMs?: number;
  toMs?: number;
  limit?: number;
}

/** Journey postings newest first, with the amount read from the operator revenue entry. */
export async function listCharges(db: Knex, query: ChargeQuery): Promise<Charge[]> {
  const builder = db('postings')
    .join('ledger_entries', 'ledger_entries.posting_id', 'postings.id')
    .join('accounts', 'accounts.id', 'ledger_entries.account_id')
    .where('accounts.kind', 'operator_revenue')
    .whereIn('postings.kind', ['charge', 'adjust'])
    .orderBy([{ column: 'postings.created_at', order: 'desc' }, { column: 'postings.id', order: 'desc' }])
    .limit(Math.min(query.limit ?? 100, 1000))
    .select('postings.*', 'ledger_entries.amount_minor');
  if (query.riderId) builder.where('postings.rider_id', query.riderId);
  if (query.operatorId) builder.where('postings.operator_id', query.operatorId);
  if (query.fromMs !== undefined) builder.where('postings.created_at', '>=', query.fromMs);
  if (query.toMs !== undefined) builder.where('postings.created_at', '<', query.toMs);
  return (await builder).map((row) => ({
    id: String(row.id),
    journeyId: row.journey_id ?? null,
    riderId: row.rider_id ?? null,
    operatorId: row.operator_id ?? null,
    amountMinor: toNumber(row.amount_minor),
    currency: String(row.currency),
    postedAt: toNumber(row.created_at),
    description: String(row.description),
  }));
}
