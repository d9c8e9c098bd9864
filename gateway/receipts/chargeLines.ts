import type { Knex } from 'knex';
import { toNumber } from '../db/rows.js';

/** One charge or correction posting as receipts and invoices see it. */
export interface ChargeLine {
  postingId: string;
  kind: 'charge' | 'adjust';
  journeyId: string | null;
  riderId: string;
  operatorId: string;
  currency: string;
  postedAt: number;
  description: string;
  /** What the operator received (negative for a correction that gave money back). */
  amountMinor: number;
  /** Who paid: the other entries of the posting, by account. */
  paidBy: Array<{ accountId: string; kind: string; ownerId: string; amountMinor: number }>;
}

export interface ChargeLineQuery {
  riderId?: string;
  postingIds?: string[];
  fromMs?: number;
  toMs?: number;
}

/** Charge and correction postings, oldest first, with their entries. */
export async function loadChargeLines(db: Knex | Knex.Transaction, query: ChargeLineQuery): Promise<ChargeLine[]> {
  const builder = db('postings').whereIn('kind', ['charge', 'adjust']).orderBy([{ column: 'created_at' }, { column: 'id' }]).limit(5000).select();
  if (query.riderId) builder.where('rider_id', query.riderId);
  if (query.postingIds) builder.whereIn('id', query.postingIds);
  if (query.fromMs !== undefined) builder.where('created_at', '>=', query.fromMs);
  if (query.toMs !== undefined) builder.where('created_at', '<', query.toMs);
  const postings: Array<Record<string, unknown>> = await builder;
  if (!postings.length) return [];
  const entries: Array<Record<string, unknown>> = await db('ledger_entries')
    .join('accounts', 'accounts.id', 'ledger_entries.account_id')
    .whereIn('ledger_entries.posting_id', postings.map((row) => String(row.id)))
    .select('ledger_entries.posting_id', 'ledger_entries.account_id', 'ledger_entries.amount_minor', 'accounts.kind', 'accounts.owner_id');
  const byPosting = new Map<string, Array<Record<string, unknown>>>();
  for (const entry of entries) byPosting.set(String(entry.posting_id), [...(byPosting.get(String(entry.posting_id)) ?? []), entry]);
  return postings.map((row) => {
    const own = byPosting.get(String(row.id)) ?? [];
    const revenue = own.find((entry) => entry.kind === 'operator_revenue');
    return {
      postingId: String(row.id),
      kind: row.kind as ChargeLine['kind'],
      journeyId: (row.journey_id as string | null) ?? null,
      riderId: String(row.rider_id),
      operatorId: String(row.operator_id),
      currency: String(row.currency),
      postedAt: toNumber(row.created_at),
      description: String(row.description),
      amountMinor: toNumber(revenue?.amount_minor ?? 0),
      paidBy: own
        .filter((entry) => entry !== revenue)
        .map((entry) => ({ accountId: String(entry.account_id), kind: String(entry.kind), ownerId: String(entry.owner_id), amountMinor: -toNumber(entry.amount_minor) })),
    };
  });
}
