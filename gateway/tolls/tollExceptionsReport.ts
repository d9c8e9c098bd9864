import type { Knex } from 'knex';
import type { TollPassageRecord } from '../../protocol/toll.js';
import { toNullableNumber, toNumber } from '../db/rows.js';
import { notACloneRead } from './detectClones.js';
import { tollPassageFromRow } from './tollPassageRecords.js';

export interface TollExceptionsReport {
  /** Passages no account can be charged for (unregistered plate or tag): the operator's to pursue. */
  unchargeable: TollPassageRecord[];
  /** Charged passages that carried a lane exception, with the trip that priced them. */
  flagged: Array<TollPassageRecord & { tripId: string | null }>;
  /**
   * Reads of a registered tag attributed to a clone (docs/tolls.md, "Cloned tags"): charged to
   * nobody, with the plate and image the camera took (the clone's, for enforcement) and the read
   * of the registered vehicle it cannot be reconciled with.
   */
  cloneSuspected: Array<TollPassageRecord & { vehicleTokenId: string; conflict: { vehicleReadId: string; distanceKm: number; gapMs: number; speedKmh: number | null; detectedAt: number } }>;
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
  const flaggedRows = await base().whereNotNull('toll_passages.vehicle_token_id').whereNot('toll_passages.exceptions', '[]').whereNotExists(notACloneRead(db));
  const cloneRows = await base()
    .join('obu_clone_reads', 'obu_clone_reads.passage_id', 'toll_passages.id')
    .select('obu_clone_reads.vehicle_read_id', 'obu_clone_reads.distance_km', 'obu_clone_reads.gap_ms', 'obu_clone_reads.speed_kmh', 'obu_clone_reads.detected_at');
  return {
    unchargeable,
    flagged: flaggedRows.map((row) => ({ ...tollPassageFromRow(row), tripId: (row.trip_id as string | null) ?? null })),
    cloneSuspected: cloneRows.map((row) => ({
      ...tollPassageFromRow(row),
      vehicleTokenId: String(row.vehicle_token_id),
      conflict: {
        vehicleReadId: String(row.vehicle_read_id), distanceKm: Number(row.distance_km), gapMs: toNumber(row.gap_ms),
        speedKmh: toNullableNumber(row.speed_kmh), detectedAt: toNumber(row.detected_at),
      },
    })),
  };
}
