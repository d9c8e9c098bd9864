import { toNumber } from '../db/rows.js';
import { GROUP_COLUMN, groupKey } from './reportGroups.js';
import { JOURNEYS_DAILY, JOURNEYS_HOURLY, LANE_EVENTS_HOURLY, PASSAGES_HOURLY } from './rollupTables.js';
import type { ReportQuery, ReportScope } from './reportTypes.js';

export interface JourneySums {
  group: string;
  status: string;
  journeys: number;
  fareMinor: number;
  chargedMinor: number;
  refundedMinor: number;
}

/**
 * Journey rollups summed by the query's grouping and by status, over its business days, for its
 * operator and filters. `daily` (fare class, tariff) and `hourly` (hour, station) hold different
 * dimensions; the report picks the one that has what the query names.
 */
export async function sumJourneys(scope: ReportScope, query: ReportQuery, grain: 'daily' | 'hourly'): Promise<JourneySums[]> {
  const table = grain === 'daily' ? JOURNEYS_DAILY : JOURNEYS_HOURLY;
  const column = GROUP_COLUMN[query.groupBy]!;
  const builder = scope.db(table.name).where('operator_id', scope.operator.id).whereBetween('business_day', [query.from, query.to]);
  if (query.mode !== undefined) builder.where('mode', query.mode);
  if (grain === 'daily' && query.fareClass !== undefined) builder.where('fare_class', query.fareClass);
  if (grain === 'daily' && query.tariff !== undefined) builder.where('tariff_version', query.tariff);
  if (grain === 'hourly' && (query.station !== undefined || query.line !== undefined || query.groupBy === 'gantry')) builder.whereIn('station_id', scope.sites.map((site) => site.id));
  const rows: Array<Record<string, unknown>> = await builder
    .groupBy(column, 'status')
    .select({ grp: column, status: 'status' })
    .sum({ journeys: 'journeys', fare: 'fare_minor', charged: 'charged_minor', refunded: 'refunded_minor' });
  return rows.map((row) => ({
    group: groupKey(scope, query.groupBy, row.grp),
    status: String(row.status),
    journeys: toNumber(row.journeys),
    fareMinor: toNumber(row.fare),
    chargedMinor: toNumber(row.charged),
    refundedMinor: toNumber(row.refunded),
  }));
}

/** Passages (gate and toll) at the scope's sites, summed by the query's grouping and by direction. */
export async function sumPassages(scope: ReportScope, query: ReportQuery): Promise<Array<{ group: string; direction: string; passages: number }>> {
  const column = GROUP_COLUMN[query.groupBy]!;
  const builder = scope.db(PASSAGES_HOURLY.name).whereBetween('business_day', [query.from, query.to]).whereIn('station_id', scope.sites.map((site) => site.id));
  if (query.mode !== undefined) builder.where('mode', query.mode);
  const rows: Array<Record<string, unknown>> = await builder.groupBy(column, 'direction').select({ grp: column, direction: 'direction' }).sum({ passages: 'passages' });
  return rows.map((row) => ({ group: groupKey(scope, query.groupBy, row.grp), direction: String(row.direction), passages: toNumber(row.passages) }));
}

/** Deny reasons and lane exceptions at the scope's sites, summed by the query's grouping (or by code), kind and code. */
export async function sumLaneEvents(scope: ReportScope, query: ReportQuery): Promise<Array<{ group: string; kind: string; code: string; events: number }>> {
  const column = query.groupBy === 'code' ? 'code' : GROUP_COLUMN[query.groupBy]!;
  const builder = scope.db(LANE_EVENTS_HOURLY.name).whereBetween('business_day', [query.from, query.to]).whereIn('station_id', scope.sites.map((site) => site.id));
  if (query.mode !== undefined) builder.where('mode', query.mode);
  if (query.kind !== undefined) builder.where('kind', query.kind);
  const rows: Array<Record<string, unknown>> = await builder.groupBy(column, 'kind', 'code').select({ grp: column, kind: 'kind', code: 'code' }).sum({ events: 'events' });
  return rows.map((row) => ({ group: query.groupBy === 'code' ? String(row.code) : groupKey(scope, query.groupBy, row.grp), kind: String(row.kind), code: String(row.code), events: toNumber(row.events) }));
}
