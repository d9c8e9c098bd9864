import assert from 'node:assert/strict';
import { DEMO_BUS_FLAT_FARE_MINOR, demoMetroFareMatrix } from '../../../demo/network.js';
import { statementDigest } from '../../../gateway/settlement/statement.js';
import { CSV_COLUMNS } from '../../../gateway/settlement/statementCsv.js';
import { enrolRider, startTestGateway, type EnrolledRider, type TestGateway } from '../support.js';
import { registerDriver, sendTolls, tollPassage } from '../tolls/tollSupport.js';
import { DAY, dayWindow, endDay, gatePassage, NEXT_DAY, sendBatches, TestLaneJournal } from './support.js';

const BUS = 'B42-1';

describe('settlement statements: totals, closing, immutability and CSV', function () {
  this.timeout(60_000);
  let t: TestGateway;
  const journals: TestLaneJournal[] = [];
  const seqs = new Map<string, number>();

  beforeEach(async () => {
    seqs.clear();
    t = await startTestGateway();
  });
  afterEach(async () => {
    for (const journal of journals.splice(0)) journal.close();
    await t?.close();
  });

  /** A passage of a rider at a lane, numbered in the lane's order, a second after the last. */
  async function pass(rider: EnrolledRider, laneId: string, direction: 'entry' | 'exit' | 'board') {
    const seq = (seqs.get(laneId) ?? 0) + 1;
    seqs.set(laneId, seq);
    const record = gatePassage(laneId, seq, t.clock.now() + seq * 1000, { tokenId: rider.tokenId, direction, mode: laneId.startsWith('B') ? 'bus' : 'metro', deviceId: `${laneId}-V1` });
    await sendBatches(t.api, [record]);
    return record;
  }

  async function topUp(rider: EnrolledRider, amountMinor: number, reference: string) {
    const answer = await t.api.call('POST', `/api/riders/${rider.riderId}/topups`, { amountMinor, reference });
    assert.ok(answer.status < 300, JSON.stringify(answer.body));
  }

  /** A metro trip, an advanced bus ride partly repaid, and a refunded bus ride, all on DAY. */
  async function dayOfMoney() {
    const paying = await enrolRider(t.api, { payLaterLimitMinor: 0 });
    await topUp(paying, 5000, 'a');
    await pass(paying, 'M1-01', 'entry');
    await pass(paying, 'M1-04', 'exit');
    const broke = await enrolRider(t.api, { payLaterLimitMinor: 0 });
    await pass(broke, BUS, 'board');
    await topUp(broke, 100, 'b');
    const disputing = await enrolRider(t.api, { payLaterLimitMinor: 0 });
    await topUp(disputing, 1000, 'c');
    await pass(disputing, BUS, 'board');
    const [charge] = (await t.api.call('GET', `/api/riders/${disputing.riderId}/charges`)).body.charges;
    const dispute = (await t.api.call('POST', `/api/riders/${disputing.riderId}/disputes`, { chargeId: charge.id, reason: 'gate broken' })).body;
    assert.equal((await t.api.call('POST', `/api/disputes/${dispute.id}/decision`, { decision: 'grant' })).status, 200);
  }

  it('when a day held charges, an advance partly repaid and a refund, then the statement totals them by lane and product', async () => {
    await dayOfMoney();
    endDay(t);
    const bus = (await t.api.call('GET', `/api/operators/bus/settlement/${DAY}`)).body;
    const fare = DEMO_BUS_FLAT_FARE_MINOR;
    assert.deepEqual(
      [bus.totals.passages, bus.totals.journeys, bus.totals.chargedMinor, bus.totals.refundedMinor, bus.totals.netMinor, bus.totals.advancedMinor, bus.totals.inArrearsMinor],
      [2, 2, 2 * fare, fare, fare, fare, fare - 100],
    );
    assert.deepEqual(bus.passages, [{ laneId: BUS, stationId: BUS, product: 'bus adult', direction: 'board', passages: 2 }]);
    assert.deepEqual(bus.charges, [{ laneId: BUS, product: 'bus adult', tariffVersion: 1, journeys: 2, chargedMinor: 2 * fare, adjustedMinor: 0, refundedMinor: fare }]);
    assert.deepEqual(bus.exceptions.map((e: any) => e.code), ['LANE_NOT_REPORTED']);
    const metro = (await t.api.call('GET', `/api/operators/metro/settlement/${DAY}`)).body;
    const trip = demoMetroFareMatrix()['M1-01']['M1-04'];
    assert.deepEqual([metro.totals.passages, metro.totals.chargedMinor, metro.totals.advancedMinor, metro.totals.inArrearsMinor], [2, trip, 0, 0]);
    assert.deepEqual(metro.charges.map((line: any) => [line.laneId, line.product, line.chargedMinor]), [['M1-04', 'metro adult', trip]]);
    assert.deepEqual(metro.passages.map((line: any) => [line.laneId, line.direction, line.passages]), [['M1-01', 'entry', 1], ['M1-04', 'exit', 1]]);
  });

  it('when a driver drives the toll road and both plazas report, then toll passages reconcile and the trip is charged at the exit lane by vehicle class', async () => {
    const driver = await registerDriver(t.api, { vehicleClass: '2' });
    await topUp({ riderId: driver.riderId } as EnrolledRider, 5000, 'd');
    const entry = { ...tollPassage(driver, 'TW', 'entry', t.clock.now() + 1000, { vehicleClass: '2' }), laneSeq: 1 };
    const exit = { ...tollPassage(driver, 'TE', 'exit', t.clock.now() + 1_800_000, { vehicleClass: '2', entry: { site: 'TW', at: entry.passedAt } }), laneSeq: 1 };
    await sendTolls(t.api, [entry, exit]);
    endDay(t);
    for (const passage of [entry, exit]) {
      const journal = new TestLaneJournal(passage.laneId);
      journals.push(journal);
      journal.append([passage]);
      await journal.report(t.api, dayWindow(t));
    }
    const road = (await t.api.call('GET', `/api/operators/road/settlement/${DAY}`)).body;
    assert.deepEqual(road.exceptions, []);
    assert.deepEqual(road.lanes.map((lane: any) => [lane.laneId, lane.matched]), [['TE', 1], ['TW', 1]]);
    assert.deepEqual(road.passages.map((line: any) => [line.laneId, line.product, line.direction]), [['TE', 'toll class 2', 'exit'], ['TW', 'toll class 2', 'entry']]);
    const charged = (await t.api.call('GET', `/api/riders/${driver.riderId}/charges`)).body.charges.reduce((total: number, charge: { amountMinor: number }) => total + charge.amountMinor, 0);
    assert.ok(charged > 0);
    assert.deepEqual(road.charges.map((line: any) => [line.laneId, line.product, line.journeys, line.chargedMinor]), [['TE', 'toll class 2', 1, charged]]);
  });

  it('when a supervisor closes a day, then the statement is stored as it stood, carries its digest, and a second close is refused', async () => {
    await dayOfMoney();
    endDay(t);
    const draft = (await t.api.call('GET', `/api/operators/bus/settlement/${DAY}`)).body;
    const closed = await t.api.call('POST', `/api/operators/bus/settlement/${DAY}/close`);
    assert.equal(closed.status, 201, JSON.stringify(closed.body));
    assert.equal(closed.body.state, 'closed');
    assert.deepEqual(closed.body.totals, draft.totals);
    assert.match(closed.body.digest, /^[0-9a-f]{64}$/);
    const again = (await t.api.call('GET', `/api/operators/bus/settlement/${DAY}`)).body;
    const { sinceClosed, ...stored } = again;
    assert.deepEqual(stored, closed.body, 'the stored statement reads back exactly as it was closed');
    assert.equal(statementDigest(stored), stored.digest);
    assert.deepEqual(sinceClosed, { lateArrivals: [], reportsSince: [] });
    const twice = await t.api.call('POST', `/api/operators/bus/settlement/${DAY}/close`);
    assert.deepEqual([twice.status, twice.body.error.code], [409, 'SETTLEMENT_ALREADY_CLOSED']);
  });

  it('when anything tries to change or remove a closed statement, then the database refuses it', async () => {
    await pass(await enrolRider(t.api), 'M1-01', 'entry');
    endDay(t);
    assert.equal((await t.api.call('POST', `/api/operators/metro/settlement/${DAY}/close`)).status, 201);
    const knex = t.db.knex;
    assert.deepEqual([(await knex('settlement_lines').count({ n: '*' }).first())?.n, (await knex('settlement_exceptions').count({ n: '*' }).first())?.n].map(Number), [2, 1]);
    await assert.rejects(knex('settlement_statements').update({ net_minor: 1 }), /SETTLEMENT_CLOSED/);
    await assert.rejects(knex('settlement_statements').delete(), /SETTLEMENT_CLOSED/);
    await assert.rejects(knex('settlement_lines').delete(), /SETTLEMENT_CLOSED/);
    await assert.rejects(knex('settlement_exceptions').update({ detail: 'x' }), /SETTLEMENT_CLOSED/);
    assert.equal((await knex('settlement_statements').count({ n: '*' }).first())?.n, 1);
  });

  it('when passages and a lane report of a closed day arrive late, then the statement stays as closed and says what came since', async () => {
    const rider = await enrolRider(t.api);
    const first = await pass(rider, BUS, 'board');
    endDay(t);
    const closed = (await t.api.call('POST', `/api/operators/bus/settlement/${DAY}/close`)).body;
    const late = gatePassage(BUS, 2, first.passedAt + 60_000, { tokenId: rider.tokenId, direction: 'board', mode: 'bus', deviceId: `${BUS}-V1` });
    t.clock.advance(60_000);
    await sendBatches(t.api, [late]);
    const journal = new TestLaneJournal(BUS);
    journals.push(journal);
    journal.append([first, late]);
    await journal.report(t.api, dayWindow(t));
    const now = (await t.api.call('GET', `/api/operators/bus/settlement/${DAY}`)).body;
    assert.deepEqual(now.totals, closed.totals);
    assert.deepEqual(now.exceptions, closed.exceptions);
    assert.deepEqual(now.sinceClosed, { lateArrivals: [{ laneId: BUS, passages: 1 }], reportsSince: [BUS] });
  });

  it('when the CSV is asked for, then it is one table with the totals, lines and every exception of the statement', async () => {
    await dayOfMoney();
    endDay(t);
    await t.api.call('POST', `/api/operators/bus/settlement/${DAY}/close`);
    const answer = await t.api.call('GET', `/api/operators/bus/settlement/${DAY}?format=csv`);
    assert.equal(answer.status, 200);
    assert.match(answer.headers.get('content-type') ?? '', /^text\/csv/);
    assert.match(answer.headers.get('content-disposition') ?? '', new RegExp(`attachment; filename="settlement-bus-${DAY}-closed.csv"`));
    const rows = String(answer.body).trimEnd().split('\r\n').map((line) => line.split(','));
    assert.deepEqual(rows[0], [...CSV_COLUMNS]);
    const column = (name: string) => CSV_COLUMNS.indexOf(name as (typeof CSV_COLUMNS)[number]);
    const total = (key: string) => rows.find((row) => row[0] === 'total' && row[column('key')] === key)?.[column('value')];
    assert.deepEqual([total('netMinor'), total('advancedMinor'), total('inArrearsMinor'), total('exceptions_LANE_NOT_REPORTED')], [String(DEMO_BUS_FLAT_FARE_MINOR), String(DEMO_BUS_FLAT_FARE_MINOR), String(DEMO_BUS_FLAT_FARE_MINOR - 100), '1']);
    assert.deepEqual(rows.filter((row) => row[0] === 'exception').map((row) => [row[column('code')], row[column('lane_id')]]), [['LANE_NOT_REPORTED', BUS]]);
    assert.ok(rows.every((row) => row.length === CSV_COLUMNS.length || row.join(',').includes('"')), 'every row has every column');
  });

  it('when the days are listed, then each has its state: today open, a closed day with its totals, the others draft', async () => {
    endDay(t);
    await t.api.call('POST', `/api/operators/metro/settlement/${DAY}/close`);
    const answer = await t.api.call('GET', '/api/operators/metro/settlement?days=3');
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body.days.map((day: any) => [day.day, day.state, day.totals === null]), [[NEXT_DAY, 'open', true], [DAY, 'closed', false], ['2026-01-04', 'draft', true]]);
  });

  it('when a day is not over, malformed or of an unknown operator, then the answer says which', async () => {
    const cases: Array<[string, string, number, string]> = [
      ['POST', `/api/operators/metro/settlement/${DAY}/close`, 409, 'SETTLEMENT_DAY_NOT_OVER'],
      ['GET', '/api/operators/metro/settlement/2026-02-30', 400, 'VALIDATION_FAILED'],
      ['GET', '/api/operators/metro/settlement/yesterday', 400, 'VALIDATION_FAILED'],
      ['POST', '/api/operators/metro/settlement/2026-1-5/close', 400, 'VALIDATION_FAILED'],
      ['GET', `/api/operators/nobody/settlement/${DAY}`, 404, 'OPERATOR_NOT_FOUND'],
      ['POST', `/api/operators/nobody/settlement/${DAY}/close`, 404, 'OPERATOR_NOT_FOUND'],
      ['GET', '/api/operators/nobody/settlement', 404, 'OPERATOR_NOT_FOUND'],
      ['GET', `/api/operators/metro/settlement/${DAY}?format=xml`, 400, 'VALIDATION_FAILED'],
      ['GET', '/api/operators/metro/settlement?days=0', 400, 'VALIDATION_FAILED'],
    ];
    for (const [method, path, status, code] of cases) {
      const answer = await t.api.call(method, path);
      assert.deepEqual([answer.status, answer.body?.error?.code], [status, code], `${method} ${path}`);
      assert.equal(typeof answer.body.error.message, 'string');
    }
  });
});
