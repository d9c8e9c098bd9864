import type { NetworkCatalog, Operator, Site } from '../network/networkCatalog.js';
import { FARE_CLASS_NAMES } from '../tariffs/tariffData.js';
import { addDays, daysBetween } from './reportQuery.js';
import type { GroupSums, Grouping, ReportColumn, ReportQuery, ReportRow, ReportScope } from './reportTypes.js';

/** The rollup column each grouping reads (lines and toll sites are folded from stations here). */
export const GROUP_COLUMN: Partial<Record<Grouping, string>> = {
  day: 'business_day',
  hour: 'hour',
  station: 'station_id',
  line: 'station_id',
  gantry: 'station_id',
  mode: 'mode',
  tariff: 'tariff_version',
  fareClass: 'fare_class',
};

/** The operator's sites a query covers: its station, line and mode filters, and only toll sites when grouped by gantry. */
export function sitesInScope(catalog: NetworkCatalog, operator: Operator, query: ReportQuery): Site[] {
  return catalog.sites.filter(
    (site) =>
      site.operatorId === operator.id &&
      (query.station === undefined || site.id === query.station) &&
      (query.line === undefined || site.line === query.line) &&
      (query.mode === undefined || site.mode === query.mode) &&
      (query.groupBy !== 'gantry' || site.kind !== null),
  );
}

/** The group a rollup value belongs to: a station's line when grouped by line, else the value itself. */
export function groupKey(scope: ReportScope, grouping: Grouping, value: unknown): string {
  if (grouping === 'line') return scope.catalog.sitesById.get(String(value))?.line ?? '';
  return String(value);
}

/** Add measures into a group's sums. */
export function addTo(sums: GroupSums, key: string, measures: Record<string, number>): void {
  const known = sums.get(key) ?? {};
  for (const [name, value] of Object.entries(measures)) known[name] = Number(known[name] ?? 0) + value;
  sums.set(key, known);
}

/** Every group a period and scope has, so a quiet hour or a silent station shows as zero instead of missing. */
function expectedKeys(scope: ReportScope, query: ReportQuery): string[] {
  switch (query.groupBy) {
    case 'day':
      return Array.from({ length: daysBetween(query.from, query.to) + 1 }, (_, i) => addDays(query.from, i));
    case 'hour':
      return Array.from({ length: 24 }, (_, hour) => String(hour));
    case 'station':
    case 'gantry':
      return scope.sites.map((site) => site.id);
    case 'line':
      return [...new Set(scope.sites.map((site) => site.line))];
    default:
      return [];
  }
}

function labelOf(scope: ReportScope, grouping: Grouping, key: string): string {
  switch (grouping) {
    case 'hour':
      return `${key.padStart(2, '0')}:00`;
    case 'station':
      return scope.catalog.sitesById.get(key)?.name ?? (key || 'no station');
    case 'gantry': {
      const site = scope.catalog.sitesById.get(key);
      return site ? `${site.name} (${site.kind ?? site.mode})` : key;
    }
    case 'line':
      return key ? `line ${key}` : 'no line';
    case 'tariff':
      return key === '0' ? 'no tariff' : `version ${key}`;
    case 'fareClass':
      return FARE_CLASS_NAMES[Number(key)] ?? `class ${key}`;
    default:
      return key;
  }
}

function compareKeys(scope: ReportScope, grouping: Grouping, order: string[]): (a: string, b: string) => number {
  if (grouping === 'hour' || grouping === 'tariff' || grouping === 'fareClass') return (a, b) => Number(a) - Number(b);
  if (order.length) return (a, b) => (order.indexOf(a) === -1 ? order.length : order.indexOf(a)) - (order.indexOf(b) === -1 ? order.length : order.indexOf(b)) || (a < b ? -1 : a > b ? 1 : 0);
  return (a, b) => (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * The rows of a report: one per group, in the group's natural order (days and hours in time,
 * sites along their line), labelled, every measure column present (0 when nothing happened).
 * `labels` overrides the label of a key (deny and exception codes carry their meaning).
 */
export function buildRows(scope: ReportScope, query: ReportQuery, sums: GroupSums, columns: ReportColumn[], labels?: (key: string) => string | undefined): ReportRow[] {
  const expected = expectedKeys(scope, query);
  const keys = [...new Set([...expected, ...sums.keys()])].sort(compareKeys(scope, query.groupBy, expected));
  return keys.map((key) => {
    const values = sums.get(key) ?? {};
    const row: ReportRow = { key, label: labels?.(key) ?? labelOf(scope, query.groupBy, key) };
    for (const column of columns) row[column.key] = values[column.key] ?? (column.kind === 'text' ? '' : 0);
    return row;
  });
}

export function totalsOf(rows: ReportRow[], columns: ReportColumn[]): Record<string, number> {
  return Object.fromEntries(columns.filter((column) => column.kind !== 'text').map((column) => [column.key, rows.reduce((sum, row) => sum + Number(row[column.key]), 0)]));
}
