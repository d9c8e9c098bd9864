/** A rollup table (db/migrations/0013_report_rollups.ts): its key columns, then its summed measures. */
export interface RollupTable {
  name: string;
  keys: readonly string[];
  measures: readonly string[];
  /**
   * Striped: one more key column, `shard`, that each writing transaction picks (RollupDelta), so
   * that concurrent writers of the same day add to different rows; readers sum the stripes.
   */
  sharded?: true;
}

/**
 * Stripes writers spread a sharded rollup over; 1: every write goes to stripe 0. Eight stripes
 * (round robin) gave no measurable gain in journeys_priced_per_s, where per-token and per-rider
 * locks already order the batches, and let the rows a report reads grow up to eightfold
 * (docs/operations.md, "Reports"). Raise it if waits on rollup rows ever show (many replicas
 * pricing distinct riders at once); the schema needs no change for it.
 */
export const ROLLUP_SHARDS = 1;

export const JOURNEYS_DAILY: RollupTable = {
  name: 'report_journeys_daily',
  keys: ['operator_id', 'business_day', 'mode', 'status', 'fare_class', 'tariff_version'],
  measures: ['journeys', 'fare_minor', 'charged_minor', 'refunded_minor'],
  sharded: true,
};

export const JOURNEYS_HOURLY: RollupTable = {
  name: 'report_journeys_hourly',
  keys: ['operator_id', 'business_day', 'hour', 'station_id', 'mode', 'status'],
  measures: ['journeys', 'fare_minor', 'charged_minor', 'refunded_minor'],
  sharded: true,
};

export const PASSAGES_HOURLY: RollupTable = {
  name: 'report_passages_hourly',
  keys: ['business_day', 'station_id', 'hour', 'mode', 'direction'],
  measures: ['passages'],
};

export const LANE_EVENTS_HOURLY: RollupTable = {
  name: 'report_lane_events_hourly',
  keys: ['business_day', 'station_id', 'hour', 'mode', 'kind', 'code'],
  measures: ['events'],
};

/**
 * Every rollup, in the one order all writers upsert them in (rows sorted by key within each), so
 * two transactions touching the same rows wait for each other instead of deadlocking.
 */
export const ROLLUP_TABLES: readonly RollupTable[] = [JOURNEYS_DAILY, JOURNEYS_HOURLY, PASSAGES_HOURLY, LANE_EVENTS_HOURLY];

/** Lane exceptions of gate passages, next to the toll lanes' own codes (protocol/toll.ts TOLL_EXCEPTIONS). */
export const GATE_EXCEPTIONS = {
  TAILGATE: 'more than one person went through on one opening',
  TRUST_STALE: "decided on a copy of keys and deny list older than the lane's staleness limit",
} as const;
