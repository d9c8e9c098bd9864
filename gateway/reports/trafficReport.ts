import { addTo } from './reportGroups.js';
import { sumJourneys, sumPassages } from './rollupQueries.js';
import type { GroupSums, ReportColumn, ReportDefinition } from './reportTypes.js';

const COLUMNS: ReportColumn[] = [
  { key: 'passages', label: 'Passages', kind: 'count' },
  { key: 'entries', label: 'Entries', kind: 'count' },
  { key: 'exits', label: 'Exits', kind: 'count' },
  { key: 'journeys', label: 'Journeys', kind: 'count' },
  { key: 'complete', label: 'Complete', kind: 'count' },
  { key: 'incomplete', label: 'Incomplete', kind: 'count' },
];

/**
 * Passages through gates, validators, plazas and gantries (by the hour they passed) and the
 * journeys they made (by the hour they began, at their entry station). Void journeys, superseded
 * by a re-pairing, are not counted.
 */
export const trafficReport: ReportDefinition = {
  id: 'traffic',
  title: 'Traffic',
  description: 'Passages at each site and the journeys they made (begun in the period, at their entry site).',
  groupings: ['day', 'hour', 'station', 'line', 'gantry', 'mode'],
  defaultGrouping: 'day',
  filters: ['station', 'line', 'mode'],
  columns: () => COLUMNS,
  chartColumn: () => 'passages',
  async sums(scope, query) {
    const sums: GroupSums = new Map();
    for (const row of await sumPassages(scope, query)) {
      addTo(sums, row.group, { passages: row.passages, entries: row.direction === 'entry' ? row.passages : 0, exits: row.direction === 'exit' ? row.passages : 0 });
    }
    for (const row of await sumJourneys(scope, query, 'hourly')) {
      if (row.status === 'void') continue;
      addTo(sums, row.group, { journeys: row.journeys, complete: row.status === 'complete' ? row.journeys : 0, incomplete: row.status === 'no_exit' || row.status === 'no_entry' ? row.journeys : 0 });
    }
    return sums;
  },
};

