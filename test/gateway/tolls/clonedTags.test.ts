import assert from 'node:assert/strict';
import { checkLedger } from '../../../gateway/ledger/consistencyChecks.js';
import type { TollPassageRecord } from '../../../protocol/toll.js';
import { startTestGateway, T0, type TestGateway } from '../support.js';
import { chargesOf } from '../moneySupport.js';
import { etcToll, GANTRY_KM, MIN, registerDriver, sendTolls, tollPassage, tollsOf, type Driver } from './tollSupport.js';

/** A second vehicle with a copy of the driver's tag: its camera reads another plate (PLATE_MISMATCH). */
function cloneRead(driver: Driver, stationId: string, direction: 'entry' | 'exit' | 'pass', passedAt: number): TollPassageRecord {
  return { ...tollPassage(driver, stationId, direction, passedAt, { exceptions: ['PLATE_MISMATCH'] }), plate: 'KL0N3' };
}

describe('tolls: a cloned tag seen at two distant sites in an impossible time', () => {
  let t: TestGateway;
  beforeEach(async () => (t = await startTestGateway()));
  afterEach(async () => t.close());

  const exceptionsOfRoad = async () => (await t.api.call('GET', '/api/operators/road/toll-exceptions')).body;
  const denyEntry = async (tokenId: string) => (await t.api.call('GET', '/api/deny-list')).body.entries.find((entry: { tokenId: string }) => entry.tokenId === tokenId);

  it('when a tag is read at TG01 and a minute later at TG08, 43 km away, then the read without the registered plate is the clone’s: not charged, listed for review, and the vehicle is deny-listed with OBU_CLONE_SUSPECTED', async () => {
    const driver = await registerDriver(t.api, { payLaterLimitMinor: 10_000 });
    const genuine = tollPassage(driver, 'TG01', 'pass', T0);
    const clone = cloneRead(driver, 'TG08', 'pass', T0 + MIN);
    await sendTolls(t.api, [genuine, clone]);

    // Without the rule the two reads would make one open-road trip TG01 to TG08 with every gantry between charged as passed.
    const { trips } = await tollsOf(t.api, driver.riderId);
    assert.deepEqual(trips.map((trip: { entryStationId: string; exitStationId: string; fareMinor: number }) => [trip.entryStationId, trip.exitStationId, trip.fareMinor]), [['TG01', 'TG01', etcToll(GANTRY_KM.TG01)]]);
    assert.deepEqual(trips[0].breakdown.toll.exceptions.map((item: { passageId: string; code: string }) => [item.passageId, item.code]), [[genuine.id, 'OBU_CLONE_SUSPECTED']]);
    // The trip was charged before the clone's read came: the charge stands, the trip now names the exception.
    assert.match(trips[0].fareRule, /exceptions: OBU_CLONE_SUSPECTED/);
    const charges = await chargesOf(t.api, driver.riderId);
    assert.deepEqual(charges.map((charge) => charge.amountMinor), [etcToll(GANTRY_KM.TG01)]);

    const report = await exceptionsOfRoad();
    assert.deepEqual(report.cloneSuspected.map((read: TollPassageRecord & { conflict: Record<string, unknown> }) => [read.id, read.plate, read.conflict.vehicleReadId, read.conflict.distanceKm, read.conflict.gapMs, read.conflict.speedKmh]), [
      [clone.id, 'KL0N3', genuine.id, 43, MIN, 2580],
    ]);
    assert.ok(!report.flagged.some((read: { id: string }) => read.id === clone.id), 'a clone read is not listed as a charged passage');
    assert.equal((await denyEntry(driver.tokenId))?.reason, 'OBU_CLONE_SUSPECTED');
    const denials = (await t.db.knex('trust_changes').where({ kind: 'deny.add' }).select('payload')).map((row) => JSON.parse(row.payload));
    assert.deepEqual(denials.filter((change) => change.tokenId === driver.tokenId).map((change) => change.reason), ['OBU_CLONE_SUSPECTED']);
    assert.equal((await t.db.knex('toll_passages').where({ id: clone.id }).first('trip_id')).trip_id, null);
    assert.deepEqual(await checkLedger(t.db.knex), []);
  });

  it('when the clone’s reads arrive first and the vehicle’s closed-road trip after them, out of order, then the vehicle pays its trip once, exactly as without the clone', async () => {
    const driver = await registerDriver(t.api, { payLaterLimitMinor: 10_000 });
    // The clone enters at East a minute after the vehicle entered at West, 52 km away, and heads west.
    const clones = [cloneRead(driver, 'TE', 'entry', T0 + MIN), cloneRead(driver, 'TG07', 'pass', T0 + 4 * MIN)];
    const entry = tollPassage(driver, 'TW', 'entry', T0);
    const vehicle = [tollPassage(driver, 'TG01', 'pass', T0 + 2 * MIN), tollPassage(driver, 'TE', 'exit', T0 + 20 * MIN), entry, tollPassage(driver, 'TG04', 'pass', T0 + 8 * MIN)];
    await sendTolls(t.api, [...clones, ...vehicle]);

    const { trips } = await tollsOf(t.api, driver.riderId);
    assert.deepEqual(trips.map((trip: { status: string; entryStationId: string; exitStationId: string; fareMinor: number; chargedMinor: number }) => [trip.status, trip.entryStationId, trip.exitStationId, trip.fareMinor, trip.chargedMinor]), [
      ['complete', 'TW', 'TE', etcToll(52), etcToll(52)],
    ]);
    const charged = (await chargesOf(t.api, driver.riderId)).reduce((sum, charge) => sum + charge.amountMinor, 0);
    assert.equal(charged, etcToll(52), 'corrections of trips the clone’s reads made for a while net out');
    assert.deepEqual((await exceptionsOfRoad()).cloneSuspected.map((read: { id: string }) => read.id).sort(), clones.map((read) => read.id).sort());
    assert.deepEqual(await checkLedger(t.db.knex), []);
  });

  it('when the vehicle drives the road at motorway speed, with lane clocks a few seconds apart, then nothing is attributed to a clone and nobody is deny-listed', async () => {
    const driver = await registerDriver(t.api, { payLaterLimitMinor: 10_000 });
    // 130 km/h from West to East under every gantry (km 4, 9, 15, 22, 28, 35, 41, 47), each lane clock up to 2 s off.
    const at = (km: number, skewMs: number) => T0 + Math.round((km / 130) * 3_600_000) + skewMs;
    const passages = [
      tollPassage(driver, 'TW', 'entry', at(0, 0)),
      ...Object.keys(GANTRY_KM).map((gantry, index) => tollPassage(driver, gantry, 'pass', at([4, 9, 15, 22, 28, 35, 41, 47][index], index % 2 ? 2000 : -2000))),
      tollPassage(driver, 'TE', 'exit', at(52, 1500)),
    ];
    // And back again after a 15-minute stop.
    const back = [tollPassage(driver, 'TE', 'entry', at(52, 0) + 15 * MIN), tollPassage(driver, 'TW', 'exit', at(104, 0) + 15 * MIN)];
    await sendTolls(t.api, [...passages, ...back]);
    assert.deepEqual((await exceptionsOfRoad()).cloneSuspected, []);
    assert.equal(await denyEntry(driver.tokenId), undefined);
    const { trips } = await tollsOf(t.api, driver.riderId);
    assert.deepEqual(trips.map((trip: { status: string; fareMinor: number }) => [trip.status, trip.fareMinor]), [['complete', etcToll(52)], ['complete', etcToll(52)]]);
  });

  it('when the driver gets a new tag, then the OBU_CLONE_SUSPECTED entry is released; the copies keep the old tag id and charge nobody', async () => {
    const driver = await registerDriver(t.api, { payLaterLimitMinor: 10_000 });
    await sendTolls(t.api, [tollPassage(driver, 'TG01', 'pass', T0), cloneRead(driver, 'TG08', 'pass', T0 + MIN)]);
    assert.equal((await denyEntry(driver.tokenId))?.reason, 'OBU_CLONE_SUSPECTED');
    const changed = await t.api.call('PATCH', `/api/riders/${driver.riderId}/vehicles/${driver.vehicleId}`, { tagId: '00AA00AA00AA00AA' });
    assert.equal(changed.status, 200);
    assert.equal(await denyEntry(driver.tokenId), undefined);
    const removals = (await t.db.knex('trust_changes').where({ kind: 'deny.remove' }).select('payload')).map((row) => JSON.parse(row.payload));
    assert.ok(removals.some((change) => change.tokenId === driver.tokenId), 'lanes are told to release the vehicle');
    // The clone again, with the old tag: the lanes no longer map it to the account.
    const copy = { ...cloneRead(driver, 'TG05', 'pass', T0 + 2 * 60 * MIN), tokenId: null };
    await sendTolls(t.api, [copy]);
    assert.equal((await t.db.knex('toll_passages').where({ id: copy.id }).first('vehicle_token_id')).vehicle_token_id, null);
    assert.deepEqual((await exceptionsOfRoad()).unchargeable.map((read: { id: string }) => read.id), [copy.id]);
  });

  it('when the rule is turned off (obuCloneMaxSpeedKmh 0), then the same reads are one trip and nothing is deny-listed', async () => {
    await t.close();
    t = await startTestGateway({ config: { obuCloneMaxSpeedKmh: 0 } });
    const driver = await registerDriver(t.api, { payLaterLimitMinor: 10_000 });
    await sendTolls(t.api, [tollPassage(driver, 'TG01', 'pass', T0), cloneRead(driver, 'TG08', 'pass', T0 + MIN)]);
    const { trips } = await tollsOf(t.api, driver.riderId);
    assert.deepEqual(trips.map((trip: { entryStationId: string; exitStationId: string }) => [trip.entryStationId, trip.exitStationId]), [['TG01', 'TG08']]);
    assert.equal(await denyEntry(driver.tokenId), undefined);
  });
});
