import assert from 'node:assert/strict';
import { fareSentence } from '../../../gateway/tariffs/fareBreakdown.js';
import { priceLeg } from '../../../gateway/tariffs/priceLeg.js';
import { tariffInForce } from '../../../gateway/tariffs/tariff.js';
import { ABC_FARES, leg, paris, tariff } from './support.js';

const steps = (breakdown: { lines: Array<{ step: string; amountMinor: number }> }) => breakdown.lines.map((line) => [line.step, line.amountMinor]);
const DAY = '2026-01-06'; // a Tuesday, Paris winter time

describe('tariff engine: fare rules', () => {
  const trip = (from: string, to: string, at = paris(DAY, '11:00'), extra = {}) => leg('metro', 'metro', at, { entryStationId: from, exitStationId: to, ...extra });

  it('when the tariff is a flat fare, then every journey pays it', () => {
    const flat = tariff('bus', { fare: { kind: 'flat', fareMinor: 150 } });
    const priced = priceLeg(leg('bus', 'bus', paris(DAY, '09:00'), { entryStationId: 'B1' }), flat, []);
    assert.equal(priced.fareMinor, 150);
    assert.deepEqual(steps(priced), [['base', 150]]);
    assert.equal(fareSentence(priced), 'flat fare (tariff bus v1)');
  });

  it('when the tariff is a station matrix, then a trip pays the fare of its pair and names the stations', () => {
    const matrix = tariff('metro', { fare: { kind: 'matrix', fares: ABC_FARES } });
    const priced = priceLeg(trip('A', 'C'), matrix, [], (id) => ({ A: 'Harbour', C: 'Airport' })[id as 'A'] ?? '?');
    assert.equal(priced.fareMinor, 300);
    assert.equal(fareSentence(priced), 'Harbour to Airport: station matrix (tariff metro v1)');
  });

  it('when the tariff has zones, then the fare is by the number of zones touched, and a zone pair fare wins', () => {
    const zones = tariff('metro', { fare: { kind: 'zones', stationZones: { A: 1, B: 2, C: 3, D: 3 }, byZoneCount: { 1: 180, 2: 240, 3: 300 }, byZonePair: { '1-3': 280 } } });
    assert.equal(priceLeg(trip('C', 'D'), zones, []).fareMinor, 180);
    assert.equal(priceLeg(trip('A', 'B'), zones, []).fareMinor, 240);
    assert.equal(priceLeg(trip('B', 'A'), zones, []).fareMinor, 240);
    const pair = priceLeg(trip('C', 'A'), zones, []);
    assert.equal(pair.fareMinor, 280);
    assert.deepEqual((pair.lines[0] as { zones?: number[] }).zones, [1, 2, 3]);
  });

  it('when the tariff is by distance, then the fare is the km between entry and exit at the rate of the vehicle class', () => {
    const road = tariff('road', { fare: { kind: 'distance', positionsKm: { J1: 0, J2: 12.5, J3: 40 }, ratePerKmMinor: { 1: 10, 2: 25 }, minimumFareMinor: 150 } });
    const car = priceLeg(leg('road', 'toll', paris(DAY, '10:00'), { entryStationId: 'J3', exitStationId: 'J1', vehicleClass: '1' }), road, []);
    assert.equal(car.fareMinor, 400);
    const truck = priceLeg(leg('road', 'toll', paris(DAY, '10:00'), { entryStationId: 'J1', exitStationId: 'J2', vehicleClass: '2' }), road, []);
    assert.equal(truck.fareMinor, 313, '12.5 km x 25 = 312.5, rounded');
    const short = priceLeg(leg('road', 'toll', paris(DAY, '10:00'), { entryStationId: 'J1', exitStationId: 'J2', vehicleClass: '1' }), road, []);
    assert.equal(short.fareMinor, 150, 'the minimum fare');
  });

  it('when the tariff has gantry fees, then each gantry passage pays its fee for the vehicle class', () => {
    const open = tariff('ring', { fare: { kind: 'gantries', fees: { G1: { 1: 120, 2: 300 }, G2: { 1: 80, 2: 200 } } } });
    const pass = (gantry: string, vehicleClass: string) => priceLeg(leg('ring', 'toll', paris(DAY, '10:00'), { kind: 'single', entryStationId: gantry, vehicleClass }), open, []).fareMinor;
    assert.deepEqual([pass('G1', '1'), pass('G1', '2'), pass('G2', '2')], [120, 300, 200]);
  });

  it('when a journey is incomplete, then it pays the maximum fare from its entry or to its exit, or the fixed fare', () => {
    const matrix = tariff('metro', { fare: { kind: 'matrix', fares: { ...ABC_FARES, A: { A: 200, B: 250, C: 500 } } } });
    assert.equal(priceLeg(trip('A', 'B', undefined, { status: 'no_exit', exitStationId: undefined }), matrix, []).fareMinor, 500);
    assert.equal(priceLeg(trip('B', 'C', undefined, { status: 'no_entry', entryStationId: undefined }), matrix, []).fareMinor, 500, 'to C: highest is A->C');
    assert.equal(priceLeg(trip('C', 'B', undefined, { status: 'no_entry', entryStationId: undefined }), matrix, []).fareMinor, 250, 'to B');
    const fixed = tariff('metro', { fare: { kind: 'matrix', fares: ABC_FARES }, incomplete: { rule: 'fixed', fareMinor: 450 } });
    const priced = priceLeg(trip('A', 'B', undefined, { status: 'no_exit', exitStationId: undefined, incompleteReason: 'no exit recorded before the timeout' }), fixed, []);
    assert.equal(priced.fareMinor, 450);
    assert.match(fareSentence(priced), /no exit recorded before the timeout: fixed fare/);
  });

  describe('time of day', () => {
    const peak = tariff('metro', {
      timeZone: 'Europe/Paris',
      fare: { kind: 'matrix', fares: ABC_FARES },
      periods: [
        { name: 'morning peak', days: [1, 2, 3, 4, 5], from: '07:00', to: '09:30', multiplierPercent: 150 },
        { name: 'night', from: '22:00', to: '05:00', fareMinor: 100 },
      ],
    });

    it('when a journey starts in a peak period in local time, then the multiplier applies', () => {
      const priced = priceLeg(trip('A', 'B', paris(DAY, '08:15')), peak, []);
      assert.deepEqual(steps(priced), [['base', 250], ['time_of_day', 125]]);
      assert.equal(priced.fareMinor, 375);
      assert.equal(priceLeg(trip('A', 'B', paris(DAY, '09:30')), peak, []).fareMinor, 250, 'the end of a period is outside it');
      assert.equal(priceLeg(trip('A', 'B', paris('2026-01-10', '08:15')), peak, []).fareMinor, 250, 'Saturday is not a peak day');
    });

    it('when a period runs past midnight, then its own fare applies on both sides of midnight', () => {
      assert.equal(priceLeg(trip('A', 'C', paris(DAY, '23:30')), peak, []).fareMinor, 100);
      assert.equal(priceLeg(trip('A', 'C', paris(DAY, '04:59')), peak, []).fareMinor, 100);
      assert.equal(priceLeg(trip('A', 'C', paris(DAY, '05:00')), peak, []).fareMinor, 300);
    });

    it('when summer time is in force, then periods still follow Paris wall time', () => {
      assert.equal(priceLeg(trip('A', 'B', paris('2026-07-07', '07:05')), peak, []).fareMinor, 375);
      assert.equal(priceLeg(trip('A', 'B', paris('2026-07-07', '06:55')), peak, []).fareMinor, 250);
    });

    it('when a journey is incomplete, then its maximum fare is not scaled by the period', () => {
      assert.equal(priceLeg(trip('A', 'B', paris(DAY, '08:15'), { status: 'no_exit', exitStationId: undefined }), peak, []).fareMinor, 300);
    });
  });

  describe('concessions', () => {
    const withConcessions = tariff('metro', {
      fare: { kind: 'matrix', fares: ABC_FARES },
      periods: [{ name: 'peak', from: '07:00', to: '09:00', multiplierPercent: 200 }],
      concessions: { 1: { percentOff: 50 }, 2: { name: 'student', percentOff: 25 }, 3: { fareMinor: 100 } },
    });

    it('when the fare class has a percentage discount, then it applies after the time of day, rounded for the rider', () => {
      const child = priceLeg(trip('A', 'B', paris(DAY, '11:00'), { fareClass: 1 }), withConcessions, []);
      assert.deepEqual(steps(child), [['base', 250], ['concession', -125]]);
      const student = priceLeg(trip('A', 'B', Date.UTC(2026, 0, 6, 8), { fareClass: 2 }), withConcessions, []);
      assert.deepEqual(steps(student), [['base', 250], ['time_of_day', 250], ['concession', -125]]);
      assert.match(fareSentence(student), /student discount 25 %/);
    });

    it('when the fare class has its own fare, then it replaces the fare; classes without a concession pay the adult fare', () => {
      assert.equal(priceLeg(trip('A', 'C', paris(DAY, '11:00'), { fareClass: 3 }), withConcessions, []).fareMinor, 100);
      assert.equal(priceLeg(trip('A', 'C', paris(DAY, '11:00'), { fareClass: 4 }), withConcessions, []).fareMinor, 300);
    });
  });

  it('when several versions exist, then a journey is priced by the one in force when it began', () => {
    const v1 = tariff('bus', { fare: { kind: 'flat', fareMinor: 150 } }, 1, 0);
    const v2 = tariff('bus', { fare: { kind: 'flat', fareMinor: 170 } }, 2, paris('2026-02-01', '00:00'));
    const price = (at: number) => priceLeg(leg('bus', 'bus', at), tariffInForce([v2, v1], 'bus', at)!, []);
    assert.equal(price(paris('2026-01-31', '23:59')).fareMinor, 150);
    const after = price(paris('2026-02-01', '00:00'));
    assert.deepEqual([after.fareMinor, after.tariffVersion], [170, 2]);
  });
});
