import type { Knex } from 'knex';
import type { TollPassageRecord } from '../../protocol/toll.js';
import { tollPassageFromRow } from './tollPassageRecords.js';

export interface TollExceptionsReport {
  /** Passages no account can be charged for (unregistered plate or tag): the operator's to pursue. */
  unchargeable: TollPassageRecord[];
  /** Charged passages that carried a lane exception, with the trip that priced them. */
  flagged: Array<TollPassageRecord & { tripId: string | null }>;
}

/**
 * The operator's toll exceptions over a period (docs/api.md, "Toll exceptions"): nothing a lane
 * recorded is dropped; what cannot be charged is listed here with its plate and evidence image.
 */
export async function tollExceptionsOf(db: Knex, operatorId: string, range: { fromMs?: number; toMs?: number; limit?: number }): Promise<TollExceptionsReport> {
  const base = () => {
    const query = db('toll_passages')
      .join('sites', 'sites.id', 'toll_passages.station_id')
      .where('sites.operator_id', operatorId)
      .orderBy([{ column: 'toll_passages.passed_at', order: 'desc' }, { column: 'toll_passages.id', order: 'desc' }])
      .limit(Math.min(range.limit ?? 500, 5000))
      .select('toll_passages.*');
    if (range.fromMs !== undefined) query.where('toll_passages.passed_at', '>=', range.fromMs);
    if (range.toMs !== undefined) query.where('toll_passages.passed_at', '<', range.toMs);
    return query;
  };
  const unchargeable = (await base().whereNull('toll_passages.vehicle_token_id')).map(tollPassageFromRow);
  const flaggedRows = await base().whereNotNull('toll_passages.vehicle_token_id').whereNot('toll_passages.exceptions', '[]');
  return { unchargeable, flagged: flaggedRows.map((row) => ({ ...tollPassageFromRow(row), tripId: (row.trip_id as string | null) ?? null })) };
}
