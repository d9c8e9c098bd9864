import assert from 'node:assert/strict';
import type { FareLine } from '../../../gateway/tariffs/fareBreakdown.js';
import { priceSequence } from '../../../gateway/tariffs/priceSequence.js';
import { leg, paris, tariff } from './support.js';

/**
 * Published capping rules written out as days of travel (figures in the style of Transport for
 * London's pay-as-you-go, 2024: Zones 1-2 single 2.80 peak, daily cap 8.50, weekly cap 42.70
 * Monday to Sunday; bus 1.75, bus daily cap 5.25; the day runs 04:30 to 04:29).
 */
describe('tariff engine: fare caps (published examples)', () => {
  const tube = tariff('tube', {
    timeZone: 'Europe/London',
    fare: { kind: 'flat', fareMinor: 280 },
    concessions: { 1: { percentOff: 50 } },
    caps: { dailyMinor: 850, weeklyMinor: 4270, businessDayCutoff: '04:30', byFareClass: { 1: { dailyMinor: 425 } } },
  });
  const buses = tariff('buses', { timeZone: 'Europe/London', fare: { kind: 'flat', fareMinor: 175 }, caps: { dailyMinor: 525 } });
  const london = (date: string, time: string) => paris(date, time) + 3_600_000; // London is Paris minus one hour
  const charges = (legs: ReturnType<typeof leg>[]) => priceSequence(legs, [tube, buses]).map(({ breakdown }) => breakdown.fareMinor);
  const ride = (date: string, time: string, extra = {}) => leg('tube', 'metro', london(date, time), extra);

  it('when a rider takes five tube journeys in a day, then they pay 2.80, 2.80, 2.80, 0.10 and then nothing: 8.50 in all', () => {
    const day = ['07:45', '12:10', '13:30', '17:55', '21:00'].map((time) => ride('2026-01-06', time));
    assert.deepEqual(charges(day), [280, 280, 280, 10, 0]);
    const [, , , fourth] = priceSequence(day, [tube]);
    const cap = fourth.breakdown.lines.find((line): line is Extract<FareLine, { step: 'cap' }> => line.step === 'cap');
    assert.deepEqual([cap?.period, cap?.capMinor, cap?.usedBeforeMinor, cap?.amountMinor, cap?.periodKey], ['day', 850, 840, -270, '2026-01-06']);
    assert.match(cap!.label, /daily cap 8.50 EUR \(business day 2026-01-06\): 8.40 EUR already paid/);
  });

  it('when a rider takes four buses in a day, then the fourth is free (bus cap 5.25)', () => {
    const day = ['08:00', '09:00', '17:00', '18:00'].map((time) => leg('buses', 'bus', london('2026-01-06', time)));
    assert.deepEqual(charges(day), [175, 175, 175, 0]);
  });

  it('when a journey starts at 01:00, then it belongs to the business day before (cut-off 04:30)', () => {
    const late = [ride('2026-01-06', '09:00'), ride('2026-01-06', '18:00'), ride('2026-01-06', '23:00'), ride('2026-01-07', '01:00'), ride('2026-01-07', '04:30')];
    assert.deepEqual(charges(late), [280, 280, 280, 10, 280], '01:00 still counts for Tuesday; 04:30 starts Wednesday');
  });

  it('when a rider travels at the daily cap every day, then the weekly cap stops charges from Saturday', () => {
    const week = ['2026-01-05', '2026-01-06', '2026-01-07', '2026-01-08', '2026-01-09', '2026-01-10', '2026-01-11', '2026-01-12'];
    const legs = week.flatMap((date) => ['08:00', '12:00', '15:00', '19:00'].map((time) => ride(date, time)));
    const byDay = week.map((_, index) => charges(legs).slice(index * 4, index * 4 + 4).reduce((a, b) => a + b, 0));
    assert.deepEqual(byDay, [850, 850, 850, 850, 850, 20, 0, 850], 'Monday to Friday 42.50, Saturday 0.20 reaches 42.70, Sunday free, next Monday a new week');
  });

  it('when a child travels, then the child fare and the child daily cap apply', () => {
    const day = ['08:00', '10:00', '12:00', '14:00', '16:00'].map((time) => ride('2026-01-06', time, { fareClass: 1 }));
    assert.deepEqual(charges(day), [140, 140, 140, 5, 0]);
  });

  it('when journeys are with two operators, then each operator caps its own journeys', () => {
    const day = [ride('2026-01-06', '08:00'), leg('buses', 'bus', london('2026-01-06', '09:00')), ride('2026-01-06', '10:00'), ride('2026-01-06', '12:00'), ride('2026-01-06', '14:00')];
    assert.deepEqual(charges(day), [280, 175, 280, 280, 10]);
  });
});
