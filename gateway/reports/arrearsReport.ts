import { toNumber } from '../db/rows.js';
import { businessDayBounds } from '../tariffs/localTime.js';
import { addTo } from './reportGroups.js';
import type { GroupSums, ReportColumn, ReportDefinition } from './reportTypes.js';

const COLUMNS: ReportColumn[] = [
  { key: 'records', label: 'Advanced charges', kind: 'count' },
  { key: 'riders', label: 'Riders', kind: 'count' },
  { key: 'advancedMinor', label: 'Advanced', kind: 'money' },
  { key: 'repaidMinor', label: 'Repaid', kind: 'money' },
  { key: 'waivedMinor', label: 'Waived', kind: 'money' },
  { key: 'outstandingMinor', label: 'Outstanding', kind: 'money' },
];

const STATES = ['advanced', 'in_grace', 'deny_listed', 'settled'];

/**
 * Charges of this operator that were advanced (the operator was paid for a rider who could not
 * pay) in the period, and where each debt stands now. The arrears table is small: it is read
 * directly, scoped to the operator through the advanced charge's posting.
 */
export const arrearsReport: ReportDefinition = {
  id: 'arrears',
  title: 'Arrears',
  description: 'Charges advanced in the period for riders who could not pay, and what is repaid, waived and still owed.',
  groupings: ['state', 'day', 'mode'],
  defaultGrouping: 'state',
  filters: ['mode'],
  columns: () => COLUMNS,
  chartColumn: () => 'outstandingMinor',
  labelOf: (key, query) => (query.groupBy === 'state' ? key.replace('_', ' ') : undefined),
  sortRows: (rows, query) => (query.groupBy === 'state' ? [...rows].sort((a, b) => STATES.indexOf(a.key) - STATES.indexOf(b.key)) : rows),
  async sums(scope, query) {
    const { timeZone, cutoff } = scope.slots;
    const fromMs = businessDayBounds(query.from, timeZone, cutoff).fromMs;
    const toMs = businessDayBounds(query.to, timeZone, cutoff).toMs;
    const builder = scope.db('arrears')
      .join('postings', 'postings.id', 'arrears.posting_id')
      .leftJoin('journeys', 'journeys.id', 'arrears.journey_id')
      .where('postings.operator_id', scope.operator.id)
      .where('arrears.advanced_at', '>=', fromMs)
      .where('arrears.advanced_at', '<', toMs)
      .select('arrears.owner_id', 'arrears.state', 'arrears.advanced_at', 'arrears.advanced_minor', 'arrears.repaid_minor', 'arrears.waived_minor', 'journeys.mode');
    if (query.mode !== undefined) builder.where('journeys.mode', query.mode);
    const sums: GroupSums = new Map();
    const owners = new Map<string, Set<string>>();
    for (const row of await builder) {
      const key = query.groupBy === 'state' ? String(row.state) : query.groupBy === 'day' ? scope.slots.slotOf(toNumber(row.advanced_at)).day : String(row.mode ?? '');
      const [advanced, repaid, waived] = [toNumber(row.advanced_minor), toNumber(row.repaid_minor), toNumber(row.waived_minor)];
      addTo(sums, key, { records: 1, advancedMinor: advanced, repaidMinor: repaid, waivedMinor: waived, outstandingMinor: advanced - repaid - waived });
      owners.set(key, (owners.get(key) ?? new Set()).add(String(row.owner_id)));
    }
    for (const [key, riders] of owners) sums.get(key)!.riders = riders.size;
    return sums;
  },
};
