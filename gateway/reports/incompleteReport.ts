import { addTo } from './reportGroups.js';
import { sumJourneys } from './rollupQueries.js';
import type { GroupSums, ReportColumn, ReportDefinition } from './reportTypes.js';

const COLUMNS: ReportColumn[] = [
  { key: 'journeys', label: 'Journeys', kind: 'count' },
  { key: 'incomplete', label: 'Incomplete', kind: 'count' },
  { key: 'noExit', label: 'No exit', kind: 'count' },
  { key: 'noEntry', label: 'No entry', kind: 'count' },
  { key: 'open', label: 'Still open', kind: 'count' },
  { key: 'incompleteFareMinor', label: 'Fares of incomplete', kind: 'money' },
];

/**
 * Journeys the rules priced without one end (no_exit after missingExitTimeoutS, no_entry after
 * unpairedExitHoldS), and journeys still open, by the hour and site they began at.
 */
export const incompleteReport: ReportDefinition = {
  id: 'incomplete',
  title: 'Incomplete journeys',
  description: 'Journeys priced with a missing exit or a missing entry, and journeys still open, among those begun in the period.',
  groupings: ['day', 'hour', 'station', 'line', 'gantry', 'mode'],
  defaultGrouping: 'day',
  filters: ['station', 'line', 'mode'],
  columns: () => COLUMNS,
  chartColumn: () => 'incomplete',
  async sums(scope, query) {
    const sums: GroupSums = new Map();
    for (const row of await sumJourneys(scope, query, 'hourly')) {
      if (row.status === 'void') continue;
      const incomplete = row.status === 'no_exit' || row.status === 'no_entry';
      addTo(sums, row.group, {
        journeys: row.journeys,
        incomplete: incomplete ? row.journeys : 0,
        noExit: row.status === 'no_exit' ? row.journeys : 0,
        noEntry: row.status === 'no_entry' ? row.journeys : 0,
        open: row.status === 'open' ? row.journeys : 0,
        incompleteFareMinor: incomplete ? row.fareMinor : 0,
      });
    }
    return sums;
  },
};
