import { addTo } from './reportGroups.js';
import { sumJourneys } from './rollupQueries.js';
import type { GroupSums, ReportColumn, ReportDefinition, ReportQuery } from './reportTypes.js';

const COLUMNS: ReportColumn[] = [
  { key: 'journeys', label: 'Priced journeys', kind: 'count' },
  { key: 'fareMinor', label: 'Fares', kind: 'money' },
  { key: 'chargedMinor', label: 'Charged', kind: 'money' },
  { key: 'refundedMinor', label: 'Refunded', kind: 'money' },
  { key: 'netMinor', label: 'Net revenue', kind: 'money' },
];

const PRICED = new Set(['complete', 'no_exit', 'no_entry']);
/** Fare class and tariff version are kept per day, hours and stations per hour: a query needs one or the other. */
const DAILY_ONLY = { groupings: ['tariff', 'fareClass'], filters: ['fareClass', 'tariff'] } as const;
const HOURLY_ONLY = { groupings: ['hour', 'station', 'line'], filters: ['station', 'line'] } as const;

function needs(query: ReportQuery, only: { groupings: readonly string[]; filters: readonly (keyof ReportQuery)[] }): string[] {
  return [...(only.groupings.includes(query.groupBy) ? [`groupBy ${query.groupBy}`] : []), ...only.filters.filter((filter) => query[filter] !== undefined).map((filter) => `the ${filter} filter`)];
}

/**
 * Money of journeys begun in the period: fares of priced journeys, what was charged (corrections
 * included), refunds granted on them since, and the net. Charged and refunded count every status:
 * a journey voided by a re-pairing may keep part of a charge that a refund already gave back.
 */
export const revenueReport: ReportDefinition = {
  id: 'revenue',
  title: 'Revenue',
  description: 'Fares, charges and refunds of the journeys begun in the period (a refund granted later counts on its journey’s day).',
  groupings: ['day', 'tariff', 'mode', 'fareClass', 'hour', 'station', 'line'],
  defaultGrouping: 'day',
  filters: ['mode', 'fareClass', 'tariff', 'station', 'line'],
  columns: () => COLUMNS,
  chartColumn: () => 'netMinor',
  unanswerable(query) {
    const daily = needs(query, DAILY_ONLY);
    const hourly = needs(query, HOURLY_ONLY);
    return daily.length && hourly.length ? `${daily.join(' and ')} cannot be combined with ${hourly.join(' and ')}: revenue is kept by fare class and tariff per day, and by station and hour apart` : undefined;
  },
  async sums(scope, query) {
    const grain = needs(query, HOURLY_ONLY).length ? 'hourly' : 'daily';
    const sums: GroupSums = new Map();
    for (const row of await sumJourneys(scope, query, grain)) {
      const priced = PRICED.has(row.status);
      addTo(sums, row.group, {
        journeys: priced ? row.journeys : 0,
        fareMinor: priced ? row.fareMinor : 0,
        chargedMinor: row.chargedMinor,
        refundedMinor: row.refundedMinor,
        netMinor: row.chargedMinor - row.refundedMinor,
      });
    }
    return sums;
  },
};
