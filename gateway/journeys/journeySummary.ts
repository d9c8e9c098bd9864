import type { Knex } from 'knex';
import { toNullableNumber, toNumber } from '../db/rows.js';

export interface JourneySummary {
  /** Journeys and toll trips, open ones included, void ones not. */
  journeys: number;
  byStatus: Record<string, number>;
  chargedMinor: number;
  firstAt: number | null;
  lastAt: number | null;
}

/** A rider's travel at a glance, with every operator or with one. */
export async function journeySummaryOf(db: Knex, query: { riderId: string; operatorId?: string | null }): Promise<JourneySummary> {
  const builder = db('journeys')
    .where({ rider_id: query.riderId })
    .whereNot('status', 'void')
    .groupBy('status')
    .select('status')
    .count({ count: '*' })
    .sum({ charged: 'charged_minor' })
    .min({ first: 'started_at' })
    .max({ last: 'started_at' });
  if (query.operatorId) builder.where({ operator_id: query.operatorId });
  const rows = (await builder) as Array<Record<string, unknown>>;
  const summary: JourneySummary = { journeys: 0, byStatus: {}, chargedMinor: 0, firstAt: null, lastAt: null };
  for (const row of rows) {
    const count = toNumber(row.count);
    summary.byStatus[String(row.status)] = count;
    summary.journeys += count;
    summary.chargedMinor += toNumber(row.charged ?? 0);
    const first = toNullableNumber(row.first);
    const last = toNullableNumber(row.last);
    if (first !== null && (summary.firstAt === null || first < summary.firstAt)) summary.firstAt = first;
    if (last !== null && (summary.lastAt === null || last > summary.lastAt)) summary.lastAt = last;
  }
  return summary;
}
