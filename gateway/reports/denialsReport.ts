import { DENY_REASONS } from '../../protocol/denyReasons.js';
import { TOLL_EXCEPTIONS } from '../../protocol/toll.js';
import { addTo } from './reportGroups.js';
import { sumLaneEvents } from './rollupQueries.js';
import { GATE_EXCEPTIONS } from './rollupTables.js';
import type { GroupSums, ReportColumn, ReportDefinition } from './reportTypes.js';

const BY_CODE: ReportColumn[] = [
  { key: 'kind', label: 'Kind', kind: 'text' },
  { key: 'code', label: 'Code', kind: 'text' },
  { key: 'events', label: 'Count', kind: 'count' },
];
const BY_GROUP: ReportColumn[] = [
  { key: 'denials', label: 'Denials', kind: 'count' },
  { key: 'exceptions', label: 'Lane exceptions', kind: 'count' },
];

/** What a deny or exception code means (docs/deny-reasons.md, docs/tolls.md). */
export function codeMeaning(code: string): string {
  const texts: Record<string, string> = { ...DENY_REASONS, ...TOLL_EXCEPTIONS, ...GATE_EXCEPTIONS };
  return Object.prototype.hasOwnProperty.call(texts, code) ? texts[code] : 'unknown code';
}

/**
 * Denials by deny reason (gate and barrier refusals, counted from the lanes' reports in the hour
 * the gateway received them) and lane exceptions of recorded passages (toll exceptions, TAILGATE,
 * TRUST_STALE; in the hour of the passage). Grouped by code, each row is one kind and code.
 */
export const denialsReport: ReportDefinition = {
  id: 'denials',
  title: 'Deny reasons and lane exceptions',
  description: 'Denials by reason, as lanes report them, and the exceptions recorded on passages.',
  groupings: ['code', 'day', 'hour', 'station', 'line', 'gantry'],
  defaultGrouping: 'code',
  filters: ['station', 'line', 'mode', 'kind'],
  columns: (query) => (query.groupBy === 'code' ? BY_CODE : BY_GROUP),
  chartColumn: (query) => (query.groupBy === 'code' ? 'events' : 'denials'),
  labelOf: (key, query) => (query.groupBy === 'code' ? `${key.slice(key.indexOf(':') + 1)}: ${codeMeaning(key.slice(key.indexOf(':') + 1))}` : undefined),
  // Denials first, then exceptions, each the most frequent first.
  sortRows: (rows, query) => (query.groupBy === 'code' ? [...rows].sort((a, b) => String(a.kind).localeCompare(String(b.kind)) || Number(b.events) - Number(a.events) || a.key.localeCompare(b.key)) : rows),
  async sums(scope, query) {
    const sums: GroupSums = new Map();
    for (const row of await sumLaneEvents(scope, query)) {
      if (query.groupBy === 'code') {
        const key = `${row.kind}:${row.code}`;
        addTo(sums, key, { events: row.events });
        Object.assign(sums.get(key)!, { kind: row.kind, code: row.code });
      } else addTo(sums, row.group, { denials: row.kind === 'deny' ? row.events : 0, exceptions: row.kind === 'exception' ? row.events : 0 });
    }
    return sums;
  },
};
