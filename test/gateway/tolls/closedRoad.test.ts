import assert from 'node:assert/strict';
import { accountBalance } from '../../../gateway/ledger/accounts.js';
import { checkLedger } from '../../../gateway/ledger/consistencyChecks.js';
import { startTestGateway, T0, type TestGateway } from '../support.js';
import { chargesOf } from '../moneySupport.js';
import { etcToll, HOUR, MIN, registerDriver, sendTolls, tollPassage, tollsOf, videoToll } from './tollSupport.js';

describe('tolls: closed road between plazas', () => {
  let t: TestGateway;
  beforeEach(async () => (t = await startTestGateway()));
  afterEach(async () => t.close());

  it('when a tagged car enters at West and exits at East, then one trip is charged the ETC price of the matrix and gantries are its uncharged path', async () => {
    const driver = await registerDriver(t.api, { payLaterLimitMinor: 10_000 });
    await sendTolls(t.api, [
      tollPassage(driver, 'TW', 'entry', T0),
      tollPassage(driver, 'TG01', 'pass', T0 + 3 * MIN),
      tollPassage(driver, 'TG03', 'pass', T0 + 9 * MIN),
      tollPassage(driver, 'TE', 'exit', T0 + 30 * MIN),
    ]);
    const { trips } = await tollsOf(t.api, driver.riderId);
    assert.equal(trips.length, 1);
    const [trip] = trips;
    assert.deepEqual([trip.status, trip.entryStationId, trip.exitStationId, trip.fareMinor], ['complete', 'TW', 'TE', etcToll(52)]);
    assert.equal(trip.breakdown.toll.kind, 'closed');
    assert.equal(trip.breakdown.toll.payment, 'etc');
    assert.ok(trip.breakdown.toll.path.every((step: { charged: boolean }) => !step.charged));
    assert.ok(trip.breakdown.toll.path.some((step: { stationId: string; inferred: boolean }) => step.stationId === 'TG02' && step.inferred), 'a gantry between two read ones is on the path, inferred');
    assert.deepEqual(trip.breakdown.lines.map((line: { step: string }) => line.step), ['base', 'etc']);
    const charges = await chargesOf(t.api, driver.riderId);
    assert.equal(charges.length, 1);
    assert.equal(charges[0].amountMinor, etcToll(52));
    assert.match(charges[0].description, /Toll trip TW to TE/);
    assert.equal(await accountBalance(t.db.knex, 'operator_revenue:road:EUR'), etcToll(52));
    assert.deepEqual(await checkLedger(t.db.knex), []);
  });

  it('when the plaza reads are by plate only, then the trip pays the video toll and shows PLATE_ONLY on the charge', async () => {
    const driver = await registerDriver(t.api, { payLaterLimitMinor: 10_000 });
    await sendTolls(t.api, [tollPassage(driver, 'TE', 'entry', T0, { plateOnly: true, tokenId: null }), tollPassage(driver, 'TW', 'exit', T0 + 30 * MIN, { plateOnly: true, tokenId: null })]);
    const [trip] = (await tollsOf(t.api, driver.riderId)).trips;
    assert.equal(trip.fareMinor, videoToll(52));
    assert.equal(trip.breakdown.toll.payment, 'video');
    assert.deepEqual(trip.breakdown.toll.exceptions.map((item: { code: string }) => item.code), ['PLATE_ONLY', 'PLATE_ONLY']);
    assert.match((await chargesOf(t.api, driver.riderId))[0].description, /exceptions: PLATE_ONLY/);
  });

  it('when a van (class 2) makes the trip in the weekday morning peak, then the class-2 matrix with +20 % applies before the ETC discount', async () => {
    const driver = await registerDriver(t.api, { payLaterLimitMinor: 10_000, vehicleClass: '2' });
    const peak = Date.UTC(2026, 0, 5, 6, 30); // 07:30 in Paris, a Monday
    await sendTolls(t.api, [tollPassage(driver, 'TW', 'entry', peak, { vehicleClass: '2' }), tollPassage(driver, 'TE', 'exit', peak + 30 * MIN, { vehicleClass: '2' })]);
    const [trip] = (await tollsOf(t.api, driver.riderId)).trips;
    const peakVideo = Math.round(videoToll(52, '2') * 1.2);
    assert.equal(trip.fareMinor, peakVideo - Math.ceil(peakVideo / 10));
    assert.deepEqual(trip.breakdown.lines.map((line: { step: string }) => line.step), ['base', 'time_of_day', 'etc']);
  });

  it('when an exit has no entry and the tag carries none, then after the hold it pays the maximum toll to that exit for its class (MISSING_ENTRY)', async () => {
    const driver = await registerDriver(t.api, { payLaterLimitMinor: 10_000 });
    await sendTolls(t.api, [tollPassage(driver, 'TE', 'exit', T0, { exceptions: ['MISSING_ENTRY'] })]);
    assert.equal((await tollsOf(t.api, driver.riderId)).trips.length, 0, 'the exit waits for a late entry');
    t.clock.advance(2 * HOUR);
    await t.gateway.sweeper.sweepOnce();
    const [trip] = (await tollsOf(t.api, driver.riderId)).trips;
    assert.equal(trip.status, 'no_entry');
    assert.equal(trip.fareMinor, etcToll(52));
    assert.match(trip.fareRule, /maximum fare to East Plaza/);
    assert.match(trip.fareRule, /MISSING_ENTRY/);
  });

  it('when a lone exit carries the entry written in its tag, then after the hold it is priced from that entry', async () => {
    const driver = await registerDriver(t.api, { payLaterLimitMinor: 10_000 });
    // Off peak: the entry in the tag is 09:10 in Paris.
    await sendTolls(t.api, [tollPassage(driver, 'TE', 'exit', T0 + 40 * MIN, { entry: { site: 'TW', at: T0 + 10 * MIN } })]);
    t.clock.advance(2 * HOUR);
    await t.gateway.sweeper.sweepOnce();
    const [trip] = (await tollsOf(t.api, driver.riderId)).trips;
    assert.equal(trip.fareMinor, etcToll(52));
    assert.deepEqual(trip.breakdown.toll.entryFromTag, { site: 'TW', at: T0 + 10 * MIN });
  });

  it('when an entry has no exit, then it stays open until the missing-exit timeout and is then charged the maximum toll from the entry', async () => {
    const driver = await registerDriver(t.api, { payLaterLimitMinor: 10_000 });
    await sendTolls(t.api, [tollPassage(driver, 'TW', 'entry', T0)]);
    const [open] = (await tollsOf(t.api, driver.riderId)).trips;
    assert.deepEqual([open.status, open.fareMinor], ['open', 0]);
    assert.equal((await chargesOf(t.api, driver.riderId)).length, 0);
    t.clock.advance(4 * HOUR);
    await t.gateway.sweeper.sweepOnce();
    const [closed] = (await tollsOf(t.api, driver.riderId)).trips;
    assert.deepEqual([closed.status, closed.fareMinor], ['no_exit', etcToll(52)]);
    assert.equal((await chargesOf(t.api, driver.riderId))[0].amountMinor, etcToll(52));
  });

  it('when an entry is diverted at the barrier, then it starts no trip and is charged nothing', async () => {
    const driver = await registerDriver(t.api, { payLaterLimitMinor: 10_000 });
    await sendTolls(t.api, [tollPassage(driver, 'TW', 'entry', T0, { action: 'divert', exceptions: ['DENY_LISTED'] })]);
    t.clock.advance(4 * HOUR);
    await t.gateway.sweeper.sweepOnce();
    assert.deepEqual((await tollsOf(t.api, driver.riderId)).trips, []);
    assert.deepEqual(await chargesOf(t.api, driver.riderId), []);
  });
});
