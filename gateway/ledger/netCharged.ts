import type { Knex } from 'knex';
import { toNumber } from '../db/rows.js';

type Db = Knex | Knex.Transaction;

/**
 * The operator's net revenue on a journey: charges, corrections and refunds. Each of the journey's
 * postings looks its entries up by posting: as a plain join, PostgreSQL started from the two
 * operator revenue accounts and scanned every ledger entry (93 ms at 87,000 entries, growing with
 * the ledger; 0.5 ms this way).
 */
export async function operatorHoldsForJourney(db: Db, journeyId: string): Promise<number> {
  const row = await db('postings as p')
    .where('p.journey_id', journeyId)
    .select(db.raw("SUM((SELECT SUM(e.amount_minor) FROM ledger_entries e JOIN accounts a ON a.id = e.account_id WHERE e.posting_id = p.id AND a.kind = 'operator_revenue')) AS total"))
    .first();
  return toNumber(row?.total ?? 0);
}

export interface NetChargedQuery {
  riderId: string;
  /** Journeys that began in [fromMs, toMs): the period a cap counts (e.g. a business day). */
  fromMs: number;
  toMs: number;
  operatorId?: string;
}

/**
 * What a rider was charged for journeys that began in a period, net of corrections and granted
 * refunds, read from the ledger (operator revenue entries). For fare caps: a refund lowers what
 * counts towards the cap, so caps stay consistent after a refund.
 */
export async function netChargedMinor(db: Db, query: NetChargedQuery): Promise<number> {
  const builder = db('ledger_entries')
    .join('postings', 'postings.id', 'ledger_entries.posting_id')
    .join('accounts', 'accounts.id', 'ledger_entries.account_id')
    .join('journeys', 'journeys.id', 'postings.journey_id')
    .where('accounts.kind', 'operator_revenue')
    .whereIn('postings.kind', ['charge', 'adjust', 'refund'])
    .where('journeys.rider_id', query.riderId)
    .where('journeys.started_at', '>=', query.fromMs)
    .where('journeys.started_at', '<', query.toMs)
    .sum({ total: 'ledger_entries.amount_minor' });
  if (query.operatorId) builder.where('postings.operator_id', query.operatorId);
  const row = await builder.first();
  return toNumber(row?.total ?? 0);
}
