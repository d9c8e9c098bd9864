import type { ReportResult } from './reportTypes.js';

/** A cell as RFC 4180 writes it; text that a spreadsheet would run as a formula is quoted as text. */
function cell(value: string | number): string {
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/**
 * The rows of a report as CSV: a header of column keys (key, label, then the measures, money in
 * minor units as in JSON), one line per row, CRLF line ends. Totals are left to the reader.
 */
export function reportCsv(result: ReportResult): string {
  const keys = ['key', 'label', ...result.columns.map((column) => column.key)];
  const lines = [keys.join(','), ...result.rows.map((row) => keys.map((key) => cell(row[key])).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

export function csvFileName(result: ReportResult): string {
  return `${result.report}-${result.operator.id}-${result.query.from}-${result.query.to}-by-${result.query.groupBy}.csv`.replace(/[^A-Za-z0-9._-]/g, '_');
}
