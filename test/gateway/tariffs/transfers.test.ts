import assert from 'node:assert/strict';
import { priceSequence } from '../../../gateway/tariffs/priceSequence.js';
import { ABC_FARES, leg, MIN, paris, tariff } from './support.js';

const AT = paris('2026-01-06', '10:00');

describe('tariff engine: transfers', () => {
  const bus = tariff('bus', {
    fare: { kind: 'flat', fareMinor: 150 },
    transfers: { windowMin: 60, pairs: [{ from: 'metro', to: 'bus' }], fromOperators: ['metro'], percentOff: 100 },
  });
  const metro = tariff('metro', {
    fare: { kind: 'matrix', fares: ABC_FARES },
    transfers: { windowMin: 60, pairs: [{ from: 'bus', to: 'metro' }], fromOperators: ['bus'], fareMinor: 100 },
  });
  const tariffs = [bus, metro];
  const ride = (at: number, extra = {}) => leg('bus', 'bus', at, { entryStationId: 'B1', ...extra });
  const trip = (at: number, extra = {}) => leg('metro', 'metro', at, { entryStationId: 'A', exitStationId: 'C', ...extra });
  const fares = (legs: ReturnType<typeof leg>[], list = tariffs) => priceSequence(legs, list).map(({ breakdown }) => breakdown.fareMinor);

  it('when a bus is boarded within 60 min of the start of a metro trip, then the bus leg is free', () => {
    const priced = priceSequence([trip(AT), ride(AT + 59 * MIN)], tariffs);
    assert.deepEqual(priced.map(({ breakdown }) => breakdown.fareMinor), [300, 0]);
    const line = priced[1].breakdown.lines.find((item) => item.step === 'transfer');
    assert.match(line!.label, /free transfer from metro within 60 min/);
  });

  it('when a metro trip starts within 60 min of a bus boarding, then it pays the transfer fare', () => {
    assert.deepEqual(fares([ride(AT), trip(AT + 30 * MIN)]), [150, 100]);
  });

  it('when the second leg starts after the window, then it pays in full', () => {
    assert.deepEqual(fares([trip(AT), ride(AT + 61 * MIN)]), [300, 150]);
  });

  it('when the mode pair is not listed, then there is no transfer (bus to bus)', () => {
    assert.deepEqual(fares([ride(AT), ride(AT + 10 * MIN)]), [150, 150]);
  });

  it('when the earlier leg is of an operator the tariff does not list, then there is no transfer', () => {
    const ownOnly = tariff('bus', { fare: { kind: 'flat', fareMinor: 150 }, transfers: { windowMin: 60, pairs: [{ from: 'metro', to: 'bus' }], percentOff: 100 } });
    assert.deepEqual(fares([trip(AT), ride(AT + 10 * MIN)], [ownOnly, metro]), [300, 150]);
  });

  it('when a chain has had its one transfer, then the next leg starts a new chain', () => {
    assert.deepEqual(fares([ride(AT), trip(AT + 10 * MIN), ride(AT + 40 * MIN), trip(AT + 50 * MIN)]), [150, 100, 150, 100]);
  });

  it('when either leg is incomplete, then there is no transfer', () => {
    assert.deepEqual(fares([trip(AT, { status: 'no_exit', exitStationId: undefined }), ride(AT + 10 * MIN)]), [300, 150]);
    assert.deepEqual(fares([ride(AT), trip(AT + 10 * MIN, { status: 'no_entry', entryStationId: undefined })]), [150, 300]);
  });

  it('when legs are given in any order, then they are priced in start order', () => {
    const first = trip(AT);
    const second = ride(AT + 20 * MIN);
    assert.deepEqual(priceSequence([second, first], tariffs).map(({ leg: one, breakdown }) => [one.id, breakdown.fareMinor]), [[first.id, 300], [second.id, 0]]);
  });
});
