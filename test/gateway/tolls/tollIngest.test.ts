import assert from 'node:assert/strict';
import { startTestGateway, T0, type TestGateway } from '../support.js';
import { chargesOf } from '../moneySupport.js';
import { etcToll, MIN, randomPlate, randomTag, registerDriver, sendTolls, tollPassage, tollsOf, videoToll } from './tollSupport.js';

describe('tolls: ingest of toll passages', () => {
  let t: TestGateway;
  beforeEach(async () => (t = await startTestGateway()));
  afterEach(async () => t.close());

  const post = (laneId: string, passages: unknown[]) => t.api.call('POST', '/api/lane/v1/toll-passages', { laneId, passages });

  it('when a batch is sent again, then every id is accepted again and nothing is charged twice', async () => {
    const driver = await registerDriver(t.api, { payLaterLimitMinor: 10_000 });
    const entry = tollPassage(driver, 'TW', 'entry', T0);
    const exit = tollPassage(driver, 'TE', 'exit', T0 + 30 * MIN);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      assert.deepEqual((await post('TW', [entry])).body, { accepted: [entry.id], rejected: [] });
      assert.deepEqual((await post('TE', [exit])).body, { accepted: [exit.id], rejected: [] });
    }
    const charges = await chargesOf(t.api, driver.riderId);
    assert.deepEqual(charges.map((charge) => charge.amountMinor), [etcToll(52)]);
  });

  it('when an id comes back with different content or a lane sequence is reused, then PASSAGE_CONFLICT and LANE_SEQ_CONFLICT, the rest of the batch stored', async () => {
    const driver = await registerDriver(t.api, { payLaterLimitMinor: 10_000 });
    const first = tollPassage(driver, 'TG01', 'pass', T0);
    await sendTolls(t.api, [first]);
    const changed = { ...first, vehicleClass: '5' };
    const reusedSeq = { ...tollPassage(driver, 'TG01', 'pass', T0 + MIN), laneSeq: first.laneSeq };
    const fine = tollPassage(driver, 'TG01', 'pass', T0 + 2 * MIN);
    const wrongLane = tollPassage(driver, 'TG02', 'pass', T0 + 3 * MIN);
    const answer = await post('TG01', [changed, fine, wrongLane]);
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body.accepted, [fine.id]);
    assert.deepEqual(answer.body.rejected.map((item: { id: string; code: string }) => [item.id, item.code]).sort(), [[changed.id, 'PASSAGE_CONFLICT'], [wrongLane.id, 'LANE_MISMATCH']].sort());
    const seqAnswer = await post('TG01', [reusedSeq]);
    assert.deepEqual(seqAnswer.body.rejected.map((item: { code: string }) => item.code), ['LANE_SEQ_CONFLICT']);
    const stored = await t.db.knex('toll_passages').where({ id: first.id }).first('vehicle_class');
    assert.equal(stored.vehicle_class, '1', 'the stored passage keeps its first content');
  });

  it('when a batch is malformed, then 400 VALIDATION_FAILED and nothing is stored', async () => {
    const driver = await registerDriver(t.api);
    const bad = { ...tollPassage(driver, 'TW', 'entry', T0), vehicleClass: 'truck' };
    const answer = await post('TW', [bad]);
    assert.deepEqual([answer.status, answer.body.error.code], [400, 'VALIDATION_FAILED']);
    assert.equal((await t.db.knex('toll_passages').count({ n: '*' }).first())!.n, 0);
  });

  it('when a plate-only read names no registered plate, then it is charged to nobody and listed for the operator', async () => {
    const stranger = { tokenId: '', tagId: randomTag(), plate: randomPlate() };
    const passage = tollPassage(stranger, 'TG03', 'pass', T0, { plateOnly: true, tokenId: null, exceptions: ['PLATE_ONLY', 'PLATE_UNREGISTERED'] });
    await sendTolls(t.api, [passage]);
    await t.gateway.sweeper.sweepOnce();
    const report = (await t.api.call('GET', '/api/operators/road/toll-exceptions')).body;
    assert.deepEqual(report.unchargeable.map((item: { id: string; plate: string; imageRef: string }) => [item.id, item.plate, item.imageRef]), [[passage.id, stranger.plate, passage.imageRef]]);
    assert.equal((await t.db.knex('journeys').where({ mode: 'toll' }).count({ n: '*' }).first())!.n, 0);
    assert.equal((await t.api.call('GET', '/api/operators/nowhere/toll-exceptions')).body.error.code, 'OPERATOR_NOT_FOUND');
  });

  it("when the lane's vehicle list was stale (no token), then the gateway charges the registered plate at the video toll and lists the exception", async () => {
    const driver = await registerDriver(t.api, { payLaterLimitMinor: 10_000 });
    await sendTolls(t.api, [tollPassage(driver, 'TG04', 'pass', T0, { plateOnly: true, tokenId: null, exceptions: ['PLATE_ONLY', 'PLATE_UNREGISTERED'] })]);
    const [trip] = (await tollsOf(t.api, driver.riderId)).trips;
    assert.equal(trip.fareMinor, videoToll(7));
    const report = (await t.api.call('GET', '/api/operators/road/toll-exceptions')).body;
    assert.equal(report.unchargeable.length, 0);
    assert.deepEqual(report.flagged.map((item: { tripId: string }) => item.tripId), [trip.id]);
  });

  it('when the tag says one class and the registered class is higher, then the trip is priced by the class the lane decided and CLASS_MISMATCH shows on it', async () => {
    const driver = await registerDriver(t.api, { payLaterLimitMinor: 10_000, vehicleClass: '3' });
    await sendTolls(t.api, [tollPassage(driver, 'TW', 'entry', T0, { vehicleClass: '3', exceptions: ['CLASS_MISMATCH'] }), tollPassage(driver, 'TE', 'exit', T0 + 30 * MIN, { vehicleClass: '3', exceptions: ['CLASS_MISMATCH'] })]);
    const [trip] = (await tollsOf(t.api, driver.riderId)).trips;
    assert.equal(trip.fareMinor, etcToll(52, '3'));
    assert.equal(trip.breakdown.toll.vehicleClass, '3');
    assert.match(trip.breakdown.toll.exceptions[0].rule, /registered class/);
    assert.match((await chargesOf(t.api, driver.riderId))[0].description, /CLASS_MISMATCH/);
  });
});
