import type { SettlementStatement } from './statement.js';

/**
 * A statement as one CSV table (RFC 4180, CRLF), one row per fact, the `section` column saying
 * which: `statement` (key/value: who, which day, state, digest), `total` (key/amount), `passages`,
 * `charges`, `lane` (reconciliation per lane) and `exception`. Columns a section does not use are
 * empty. Money in minor units of `currency`.
 */
export const CSV_COLUMNS = [
  'section', 'key', 'value', 'lane_id', 'station_id', 'product', 'tariff_version', 'direction',
  'passages', 'journeys', 'charged_minor', 'adjusted_minor', 'refunded_minor',
  'lane_count', 'gateway_count', 'matched', 'exceptions',
  'code', 'seq', 'seq_to', 'passage_id', 'related_passage_id', 'detail',
] as const;
type Column = (typeof CSV_COLUMNS)[number];
type Row = Partial<Record<Column, string | number | boolean | null>>;

/** Quote when needed; text a spreadsheet would run as a formula gets a leading apostrophe. */
function cell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function statementCsv(statement: SettlementStatement): string {
  const rows: Row[] = [];
  const info: Array<[string, string | number | null]> = [
    ['operator_id', statement.operatorId], ['operator', statement.operatorName], ['day', statement.day], ['from_ms', statement.fromMs], ['to_ms', statement.toMs],
    ['time_zone', statement.timeZone], ['cutoff', statement.cutoff], ['currency', statement.currency], ['state', statement.state],
    ['computed_at', statement.computedAt], ['closed_at', statement.closedAt], ['closed_by', statement.closedBy], ['digest', statement.digest],
  ];
  for (const [key, value] of info) rows.push({ section: 'statement', key, value });
  const { exceptionsByCode, ...totals } = statement.totals;
  for (const [key, value] of Object.entries(totals)) rows.push({ section: 'total', key, value });
  for (const [code, count] of Object.entries(exceptionsByCode)) rows.push({ section: 'total', key: `exceptions_${code}`, value: count ?? 0 });
  for (const line of statement.passages) rows.push({ section: 'passages', lane_id: line.laneId, station_id: line.stationId, product: line.product, direction: line.direction, passages: line.passages });
  for (const line of statement.charges) {
    rows.push({ section: 'charges', lane_id: line.laneId, product: line.product, tariff_version: line.tariffVersion, journeys: line.journeys, charged_minor: line.chargedMinor, adjusted_minor: line.adjustedMinor, refunded_minor: line.refundedMinor });
  }
  for (const lane of statement.lanes) {
    rows.push({ section: 'lane', lane_id: lane.laneId, station_id: lane.stationId, key: lane.reported ? 'reported' : 'not_reported', value: lane.reportDigest, lane_count: lane.laneCount, gateway_count: lane.gatewayCount, matched: lane.matched, exceptions: lane.exceptions });
  }
  for (const exception of statement.exceptions) {
    rows.push({ section: 'exception', code: exception.code, lane_id: exception.laneId, seq: exception.seq, seq_to: exception.seqTo, passage_id: exception.passageId, related_passage_id: exception.relatedPassageId, detail: exception.detail });
  }
  const lines = [CSV_COLUMNS.join(','), ...rows.map((row) => CSV_COLUMNS.map((column) => cell(row[column])).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}
