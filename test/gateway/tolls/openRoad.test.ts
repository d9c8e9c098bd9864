import assert from 'node:assert/strict';
import { checkLedger } from '../../../gateway/ledger/consistencyChecks.js';
import { startTestGateway, T0, type TestGateway } from '../support.js';
import { chargesOf } from '../moneySupport.js';
import { etcToll, GANTRY_KM, MIN, registerDriver, sendTolls, tollPassage, tollsOf, videoToll } from './tollSupport.js';

/** ETC toll of one gantry's stretch, class 1, off peak. */
const gantryEtc = (gantry: string) => etcToll(GANTRY_KM[gantry]);

describe('tolls: open road of gantries', () => {
  let t: TestGateway;
  beforeEach(async () => (t = await startTestGateway()));
  afterEach(async () => t.close());

  it('when a car passes gantries without a plaza trip, then they make one trip whose toll is the sum of its segments', async () => {
    const driver = await registerDriver(t.api, { payLaterLimitMinor: 10_000 });
    await sendTolls(t.api, [tollPassage(driver, 'TG02', 'pass', T0), tollPassage(driver, 'TG03', 'pass', T0 + 4 * MIN), tollPassage(driver, 'TG04', 'pass', T0 + 8 * MIN)]);
    const { trips } = await tollsOf(t.api, driver.riderId);
    assert.equal(trips.length, 1);
    const [trip] = trips;
    assert.equal(trip.breakdown.toll.kind, 'open_road');
    assert.deepEqual(trip.breakdown.toll.path.map((step: { stationId: string }) => step.stationId), ['TG02', 'TG03', 'TG04']);
    assert.equal(trip.fareMinor, gantryEtc('TG02') + gantryEtc('TG03') + gantryEtc('TG04'));
    const charged = (await chargesOf(t.api, driver.riderId)).reduce((total, charge) => total + charge.amountMinor, 0);
    assert.equal(charged, trip.fareMinor, 'the ledger holds the trip toll, whatever adjustments it took to get there');
    assert.deepEqual(await checkLedger(t.db.knex), []);
  });

  it('when a gantry between two read gantries of a trip was not read, then it is charged as passed and flagged inferred', async () => {
    const driver = await registerDriver(t.api, { payLaterLimitMinor: 10_000 });
    await sendTolls(t.api, [tollPassage(driver, 'TG05', 'pass', T0), tollPassage(driver, 'TG02', 'pass', T0 + 15 * MIN)]);
    const [trip] = (await tollsOf(t.api, driver.riderId)).trips;
    const path = trip.breakdown.toll.path.map((step: { stationId: string; inferred: boolean; charged: boolean }) => [step.stationId, step.inferred, step.charged]);
    assert.deepEqual(path, [['TG05', false, true], ['TG04', true, true], ['TG03', true, true], ['TG02', false, true]]);
    assert.equal(trip.fareMinor, ['TG05', 'TG04', 'TG03', 'TG02'].reduce((total, gantry) => total + gantryEtc(gantry), 0));
    assert.match(trip.fareRule, /2 inferred/);
  });

  it('when two gantry passages are further apart than the gap, then they are two trips; a duplicate read is not charged again', async () => {
    const driver = await registerDriver(t.api, { payLaterLimitMinor: 10_000 });
    await sendTolls(t.api, [
      tollPassage(driver, 'TG01', 'pass', T0),
      tollPassage(driver, 'TG01', 'pass', T0 + 10_000, { exceptions: ['DUPLICATE_READ'] }),
      tollPassage(driver, 'TG06', 'pass', T0 + 2 * 60 * MIN, { plateOnly: true }),
    ]);
    const trips = (await tollsOf(t.api, driver.riderId)).trips;
    assert.equal(trips.length, 2);
    const [later, first] = trips;
    assert.equal(first.fareMinor, gantryEtc('TG01'));
    assert.equal(first.breakdown.toll.path[1].charged, false);
    assert.equal(later.fareMinor, videoToll(GANTRY_KM.TG06), 'a plate-only gantry read pays the video toll');
    assert.equal(later.breakdown.toll.payment, 'video');
  });

  it('when a gantry read carries TAG_TAMPERED or TAG_UNREGISTERED, then that segment pays the video toll and the exception shows on the trip', async () => {
    const driver = await registerDriver(t.api, { payLaterLimitMinor: 10_000 });
    await sendTolls(t.api, [tollPassage(driver, 'TG01', 'pass', T0, { exceptions: ['TAG_TAMPERED'] }), tollPassage(driver, 'TG02', 'pass', T0 + 3 * MIN, { exceptions: ['TAG_UNREGISTERED'] }), tollPassage(driver, 'TG03', 'pass', T0 + 6 * MIN)]);
    const [trip] = (await tollsOf(t.api, driver.riderId)).trips;
    assert.equal(trip.fareMinor, videoToll(GANTRY_KM.TG01) + videoToll(GANTRY_KM.TG02) + gantryEtc('TG03'));
    assert.equal(trip.breakdown.toll.payment, 'mixed');
    assert.match(trip.fareRule, /exceptions: TAG_TAMPERED, TAG_UNREGISTERED/);
  });

  it('when a late plaza entry arrives for gantries already charged as open road, then they become the closed trip path and the open-road charge is given back', async () => {
    const driver = await registerDriver(t.api, { payLaterLimitMinor: 10_000 });
    const entry = tollPassage(driver, 'TW', 'entry', T0);
    await sendTolls(t.api, [tollPassage(driver, 'TG01', 'pass', T0 + 3 * MIN), tollPassage(driver, 'TG02', 'pass', T0 + 6 * MIN)]);
    assert.equal((await tollsOf(t.api, driver.riderId)).trips[0].breakdown.toll.kind, 'open_road');
    await sendTolls(t.api, [tollPassage(driver, 'TE', 'exit', T0 + 40 * MIN), entry]);
    const trips = (await tollsOf(t.api, driver.riderId)).trips;
    assert.equal(trips.length, 1, 'the open-road trip and the lone exit are void');
    assert.deepEqual([trips[0].status, trips[0].fareMinor, trips[0].breakdown.toll.kind], ['complete', etcToll(52), 'closed']);
    const charged = (await chargesOf(t.api, driver.riderId)).reduce((total, charge) => total + charge.amountMinor, 0);
    assert.equal(charged, etcToll(52));
    assert.deepEqual(await checkLedger(t.db.knex), []);
  });
});
