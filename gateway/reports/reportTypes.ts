import type { Knex } from 'knex';
import type { Operator, NetworkCatalog, Site } from '../network/networkCatalog.js';
import type { BusinessSlots } from './businessSlots.js';

/** The reports (docs/api.md, "Reports"). */
export const REPORT_IDS = ['traffic', 'revenue', 'incomplete', 'denials', 'arrears'] as const;
export type ReportId = (typeof REPORT_IDS)[number];

/** What rows can stand for: a business day, a local hour, a site, a line, a toll site, a mode, a tariff version, a fare class, a deny or exception code, an arrears state. */
export const GROUPINGS = ['day', 'hour', 'station', 'line', 'gantry', 'mode', 'tariff', 'fareClass', 'code', 'state'] as const;
export type Grouping = (typeof GROUPINGS)[number];

export const FILTERS = ['station', 'line', 'mode', 'fareClass', 'tariff', 'kind'] as const;
export type FilterName = (typeof FILTERS)[number];

/** A parsed, checked report query: business days [from, to] (inclusive, YYYY-MM-DD), one grouping, filters. */
export interface ReportQuery {
  from: string;
  to: string;
  groupBy: Grouping;
  station?: string;
  line?: string;
  mode?: string;
  fareClass?: number;
  tariff?: number;
  kind?: 'deny' | 'exception';
}

export type ColumnKind = 'text' | 'count' | 'money';

export interface ReportColumn {
  key: string;
  label: string;
  kind: ColumnKind;
}

/** One row: its group (key, and a label to show), then one value per measure column. */
export type ReportRow = { key: string; label: string } & Record<string, string | number>;

/** What a report is asked for: one operator's sites (narrowed by the station, line and mode filters) and money. */
export interface ReportScope {
  db: Knex;
  operator: Operator;
  catalog: NetworkCatalog;
  /** The operator's sites that the filters keep. */
  sites: Site[];
  slots: BusinessSlots;
}

/** Measures of each group, keyed by the group's raw key (a day, an hour, a station id, ...). */
export type GroupSums = Map<string, Record<string, number | string>>;

export interface ReportDefinition {
  id: ReportId;
  title: string;
  /** One sentence: what the rows count. */
  description: string;
  groupings: readonly Grouping[];
  defaultGrouping: Grouping;
  filters: readonly FilterName[];
  /** The measure columns, in order (the group's key and label come first in every report). */
  columns(query: ReportQuery): ReportColumn[];
  /** The measure the chart draws. */
  chartColumn(query: ReportQuery): string;
  /** Combinations the rollups cannot answer: a message for REPORT_INVALID, or undefined. */
  unanswerable?(query: ReportQuery): string | undefined;
  sums(scope: ReportScope, query: ReportQuery): Promise<GroupSums>;
  /** A group's label when the grouping's own (a day, a site's name, ...) says too little. */
  labelOf?(key: string, query: ReportQuery): string | undefined;
  /** Rows in another order than the grouping's own. */
  sortRows?(rows: ReportRow[], query: ReportQuery): ReportRow[];
}

export interface ReportResult {
  report: ReportId;
  title: string;
  description: string;
  operator: { id: string; name: string; currency: string };
  businessDay: { timeZone: string; cutoff: string };
  query: ReportQuery;
  columns: ReportColumn[];
  rows: ReportRow[];
  totals: Record<string, number>;
  chartColumn: string;
}
