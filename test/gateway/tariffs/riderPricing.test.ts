import assert from 'node:assert/strict';
import { findUnbalancedPostings } from '../../../gateway/ledger/ledger.js';
import { demoMetroFareMatrix } from '../../../demo/network.js';
import { enrolRider, passage, sendPassages, startTestGateway, T0, type EnrolledRider, type TestGateway } from '../support.js';

const MIN = 60_000;
const fares = demoMetroFareMatrix();

/** The demo network plus a metro tariff from T0 with a 10.00 daily cap and free bus-to-metro transfers. */
async function withCapsAndTransfers(t: TestGateway): Promise<void> {
  const metro = await t.api.call('POST', '/api/operators/metro/tariffs', {
    effectiveFrom: T0,
    data: {
      timeZone: 'Europe/Paris',
      fare: { kind: 'matrix', fares },
      concessions: { 1: { percentOff: 50 } },
      transfers: { windowMin: 60, pairs: [{ from: 'bus', to: 'metro' }], fromOperators: ['bus'], percentOff: 100 },
      caps: { dailyMinor: 1000, businessDayCutoff: '04:30' },
    },
  });
  assert.equal(metro.status, 201, JSON.stringify(metro.body));
}

describe('gateway pricing with caps and transfers', () => {
  let t: TestGateway;
  let rider: EnrolledRider;
  beforeEach(async () => {
    t = await startTestGateway();
    await withCapsAndTransfers(t);
    rider = await enrolRider(t.api);
  });
  afterEach(async () => t.close());

  const journeys = async () => (await t.api.call('GET', `/api/riders/${rider.riderId}/journeys`)).body.journeys.reverse();
  const charged = async () => -(await t.api.call('GET', `/api/riders/${rider.riderId}`)).body.balanceMinor;
  const trip = (from: string, to: string, at: number) => [passage(rider.tokenId, from, 'entry', at), passage(rider.tokenId, to, 'exit', at + 20 * MIN)];
  // Harbour to Airport is 4.60: 4.60 + 4.60 + 0.80 reaches the 10.00 cap.
  const day = () => [...trip('M1-01', 'M1-08', T0), ...trip('M1-08', 'M1-01', T0 + 2 * 60 * MIN), ...trip('M1-01', 'M1-08', T0 + 4 * 60 * MIN), ...trip('M1-08', 'M1-01', T0 + 6 * 60 * MIN)];

  it('when a rider reaches the daily cap, then the journey that reaches it pays the rest and later ones are free, with the cap line in the journey', async () => {
    await sendPassages(t.api, day());
    const all = await journeys();
    assert.deepEqual(all.map((j: { fareMinor: number }) => j.fareMinor), [460, 460, 80, 0]);
    assert.equal(await charged(), 1000);
    const capped = all[2];
    assert.deepEqual(capped.breakdown.lines.map((line: { step: string; amountMinor: number }) => [line.step, line.amountMinor]), [['base', 460], ['cap', -380]]);
    assert.deepEqual([capped.breakdown.listMinor, capped.breakdown.fareMinor, capped.breakdown.lines[1].usedBeforeMinor, capped.breakdown.lines[1].capMinor], [460, 80, 920, 1000]);
    assert.match(capped.fareRule, /^Harbour to Airport: station matrix; daily cap 10.00 EUR \(business day 2026-01-05\): 9.20 EUR already paid \(tariff metro v2\)$/);
  });

  it('when the first journey of the day arrives last, then the fares end as if it had arrived first, and the ledger holds the difference', async () => {
    const passages = day();
    await sendPassages(t.api, passages.slice(2));
    assert.deepEqual((await journeys()).map((j: { fareMinor: number }) => j.fareMinor), [460, 460, 80]);
    await sendPassages(t.api, passages.slice(0, 2));
    assert.deepEqual((await journeys()).map((j: { fareMinor: number }) => j.fareMinor), [460, 460, 80, 0]);
    assert.equal(await charged(), 1000);
    const charges = (await t.api.call('GET', `/api/riders/${rider.riderId}/charges`)).body.charges;
    assert.ok(charges.some((charge: { amountMinor: number }) => charge.amountMinor === -80), 'the journey that is now free was refunded by a correction');
    assert.deepEqual(await findUnbalancedPostings(t.db.knex), []);
  });

  it('when the same passages are sent again, then nothing is charged again', async () => {
    const passages = day();
    await sendPassages(t.api, passages);
    const before = await t.db.knex('postings').count({ n: '*' }).first();
    await t.api.call('POST', '/api/lane/v1/passages', { laneId: passages[0].laneId, passages: [passages[0]] });
    await t.gateway.sweeper.sweepOnce();
    assert.deepEqual(await t.db.knex('postings').count({ n: '*' }).first(), before);
    assert.equal(await charged(), 1000);
  });

  it('when a bus boarding comes right before a metro trip, then the metro leg is a free transfer', async () => {
    await sendPassages(t.api, [passage(rider.tokenId, 'B42-1', 'board', T0), ...trip('M1-02', 'M1-04', T0 + 30 * MIN)]);
    const [bus, metro] = await journeys();
    assert.deepEqual([bus.fareMinor, metro.fareMinor], [150, 0]);
    const transfer = metro.breakdown.lines.find((line: { step: string }) => line.step === 'transfer');
    assert.equal(transfer.fromJourneyId, bus.id);
  });

  it('when a passage carries a concession fare class, then the concession applies and is stored with the journey', async () => {
    const child = [passage(rider.tokenId, 'M1-01', 'entry', T0), passage(rider.tokenId, 'M1-03', 'exit', T0 + 10 * MIN)].map((one) => ({ ...one, fareClass: 1 }));
    await sendPassages(t.api, child);
    const [journey] = await journeys();
    assert.deepEqual([journey.fareMinor, journey.fareClass], [fares['M1-01']['M1-03'] / 2, 1]);
    assert.match(journey.fareRule, /child discount 50 %/);
  });

  it('when a journey is priced without a cap, then its fare rule reads as before', async () => {
    await sendPassages(t.api, trip('M1-01', 'M1-05', T0));
    const [journey] = await journeys();
    assert.equal(journey.fareRule, 'Harbour to University: station matrix (tariff metro v2)');
    assert.deepEqual(journey.breakdown.lines, [{ step: 'base', rule: 'matrix', label: 'Harbour to University: station matrix', amountMinor: 340, fromStationId: 'M1-01', toStationId: 'M1-05' }]);
  });
});
