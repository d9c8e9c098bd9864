import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { FareLeg } from '../../../gateway/tariffs/fareLeg.js';
import { businessDay, businessWeek } from '../../../gateway/tariffs/localTime.js';
import { priceSequence } from '../../../gateway/tariffs/priceSequence.js';
import { ABC_FARES, MIN, paris, tariff } from './support.js';

const START = paris('2026-03-23', '05:00'); // a Monday, a week before summer time starts
const CAPS = { dailyMinor: 700, weeklyMinor: 2500, businessDayCutoff: '04:30', byFareClass: { 1: { dailyMinor: 350, weeklyMinor: 1200 } } };
const TARIFFS = [
  tariff('metro', {
    timeZone: 'Europe/Paris',
    fare: { kind: 'matrix', fares: ABC_FARES },
    periods: [{ name: 'peak', days: [1, 2, 3, 4, 5], from: '07:00', to: '09:30', multiplierPercent: 150 }],
    concessions: { 1: { percentOff: 50 } },
    transfers: { windowMin: 60, pairs: [{ from: 'bus', to: 'metro' }], fromOperators: ['bus'], percentOff: 50 },
    caps: CAPS,
  }),
  tariff('bus', { timeZone: 'Europe/Paris', fare: { kind: 'flat', fareMinor: 150 }, transfers: { windowMin: 90, pairs: [{ from: 'metro', to: 'bus' }], fromOperators: ['metro'], percentOff: 100 }, caps: { dailyMinor: 450 } }),
];

const STATION = fc.constantFrom('A', 'B', 'C');
const LEG = fc.record({
  operator: fc.constantFrom('metro', 'bus'),
  from: STATION,
  to: STATION,
  status: fc.constantFrom('complete', 'complete', 'complete', 'no_exit', 'no_entry'),
  offsetMin: fc.integer({ min: 0, max: 12 * 24 * 60 }),
});
const RIDER = fc.record({ fareClass: fc.constantFrom(0, 0, 1), legs: fc.array(LEG, { minLength: 1, maxLength: 40 }) });

type Rider = { fareClass: number; legs: Array<{ operator: string; from: string; to: string; status: string; offsetMin: number }> };

function legsOf(rider: Rider): FareLeg[] {
  return rider.legs.map((one, index) => ({
    id: `j${String(index).padStart(3, '0')}`,
    operatorId: one.operator,
    mode: one.operator,
    kind: one.operator === 'bus' ? 'single' : 'trip',
    status: one.operator === 'bus' ? 'complete' : (one.status as FareLeg['status']),
    entryStationId: one.status === 'no_entry' ? undefined : one.from,
    exitStationId: one.status === 'no_exit' ? undefined : one.to,
    startedAt: START + one.offsetMin * MIN,
    fareClass: rider.fareClass,
  }));
}

describe('tariff engine properties', () => {
  it('when a rider makes any sequence of journeys, then no cap period costs more than its cap and no fare exceeds its list price', () => {
    fc.assert(
      fc.property(RIDER, (rider) => {
        const priced = priceSequence(legsOf(rider), TARIFFS);
        const totals = new Map<string, number>();
        for (const { leg, breakdown } of priced) {
          assert.ok(breakdown.fareMinor >= 0 && breakdown.fareMinor <= breakdown.listMinor, JSON.stringify(breakdown));
          const day = businessDay(leg.startedAt, 'Europe/Paris', '04:30');
          const week = businessWeek(leg.startedAt, 'Europe/Paris', '04:30');
          for (const key of [`${leg.operatorId}|day|${day}`, `${leg.operatorId}|week|${week}`]) totals.set(key, (totals.get(key) ?? 0) + breakdown.fareMinor);
        }
        const child = rider.fareClass === 1;
        for (const [key, total] of totals) {
          const [operator, period] = key.split('|');
          const cap = operator === 'bus' ? (period === 'day' ? 450 : Infinity) : period === 'day' ? (child ? 350 : 700) : child ? 1200 : 2500;
          assert.ok(total <= cap, `${key}: ${total} > ${cap}`);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('when the same journeys are priced in any order, or priced again, then every fare and breakdown is the same', () => {
    fc.assert(
      fc.property(RIDER, fc.array(fc.integer()), (rider, keys) => {
        const legs = legsOf(rider);
        const shuffled = legs.map((one, index) => ({ one, key: keys[index] ?? index })).sort((a, b) => a.key - b.key).map(({ one }) => one);
        const byId = (list: ReturnType<typeof priceSequence>) => JSON.stringify([...list].sort((a, b) => (a.leg.id < b.leg.id ? -1 : 1)).map(({ leg, breakdown }) => [leg.id, breakdown]));
        const first = byId(priceSequence(legs, TARIFFS));
        assert.equal(byId(priceSequence(shuffled, TARIFFS)), first);
        assert.equal(byId(priceSequence(legs, TARIFFS)), first);
      }),
      { numRuns: 200 },
    );
  });
});
