import assert from 'node:assert/strict';
import { DEMO_SITES, demoMetroFareMatrix } from '../../../demo/network.js';
import { enrolRider, passage, sendPassages, startTestGateway, T0, type TestGateway } from '../support.js';

const HOUR = 3_600_000;
const METRO = DEMO_SITES.filter((site) => site.mode === 'metro').map((site) => site.id);
const matrix = () => demoMetroFareMatrix();

describe('tariffs loaded through the API', () => {
  let t: TestGateway;
  beforeEach(async () => (t = await startTestGateway()));
  afterEach(async () => t.close());

  const load = (operatorId: string, data: unknown, effectiveFrom = T0 + HOUR) => t.api.call('POST', `/api/operators/${operatorId}/tariffs`, { effectiveFrom, data });
  const problems = (answer: { status: number; body: any }) => {
    assert.equal(answer.status, 422, JSON.stringify(answer.body));
    assert.equal(answer.body.error.code, 'TARIFF_INVALID');
    return answer.body.error.details as Array<{ code: string; path: string; message: string }>;
  };

  it('when an operator loads a valid tariff, then it is the next version and journeys from its effective date are priced by it', async () => {
    const answer = await load('bus', { timeZone: 'Europe/Paris', fare: { kind: 'flat', fareMinor: 170 } });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    assert.deepEqual([answer.body.version, answer.body.effectiveFrom, answer.body.currency, answer.body.data.fare], [2, T0 + HOUR, 'EUR', { kind: 'flat', fareMinor: 170 }]);
    const listed = (await t.api.call('GET', '/api/operators/bus/tariffs')).body.tariffs;
    assert.deepEqual(listed.map((tariff: { version: number }) => tariff.version), [1, 2]);

    const rider = await enrolRider(t.api);
    await sendPassages(t.api, [passage(rider.tokenId, 'B42-1', 'board', T0 + HOUR - 1), passage(rider.tokenId, 'B42-1', 'board', T0 + HOUR)]);
    const journeys = (await t.api.call('GET', `/api/riders/${rider.riderId}/journeys`)).body.journeys;
    assert.deepEqual(journeys.map((j: { fareMinor: number; tariffVersion: number }) => [j.fareMinor, j.tariffVersion]), [[170, 2], [150, 1]]);
  });

  it('when a matrix misses a pair, then the answer is 422 naming the pair', async () => {
    const fares = matrix();
    delete fares['M1-02']['M1-05'];
    const found = problems(await load('metro', { fare: { kind: 'matrix', fares } }));
    assert.deepEqual(found, [{ code: 'MATRIX_PAIR_MISSING', path: 'data.fare.fares.M1-02.M1-05', message: 'no fare from Old Town (M1-02) to University (M1-05)' }]);
  });

  it('when a matrix names a station the operator does not have, then the answer names it', async () => {
    const fares = matrix();
    fares['M9-99'] = Object.fromEntries(METRO.map((id) => [id, 200]));
    const found = problems(await load('metro', { fare: { kind: 'matrix', fares } }));
    assert.ok(found.some((item) => item.code === 'UNKNOWN_STATION' && item.message === 'station M9-99 is not a station of this operator'), JSON.stringify(found));
  });

  it('when a fare is negative, then the answer names where', async () => {
    const found = problems(await load('bus', { fare: { kind: 'flat', fareMinor: -5 } }));
    assert.deepEqual(found, [{ code: 'NEGATIVE_FARE', path: 'data.fare.fareMinor', message: 'negative fare' }]);
  });

  it('when time periods overlap, then the answer names both periods', async () => {
    const found = problems(
      await load('bus', {
        fare: { kind: 'flat', fareMinor: 150 },
        periods: [
          { name: 'morning peak', days: [1, 2, 3, 4, 5], from: '07:00', to: '09:30', multiplierPercent: 150 },
          { name: 'school run', days: [3], from: '09:00', to: '10:00', fareMinor: 100 },
          { name: 'night', from: '22:00', to: '05:00', fareMinor: 100 },
        ],
      }),
    );
    assert.deepEqual(found.map((item) => [item.code, item.message]), [['PERIODS_OVERLAP', 'periods "morning peak" (07:00-09:30) and "school run" (09:00-10:00) overlap']]);
  });

  it('when a period past midnight overlaps an early one, then that is found too', async () => {
    const found = problems(await load('bus', { fare: { kind: 'flat', fareMinor: 150 }, periods: [{ name: 'night', days: [7], from: '22:00', to: '05:00', fareMinor: 100 }, { name: 'early', days: [1], from: '04:00', to: '06:00', multiplierPercent: 120 }] }));
    assert.deepEqual(found.map((item) => item.code), ['PERIODS_OVERLAP'], 'Sunday night runs into Monday 04:00');
  });

  it('when a zone has no fare, then the answer names the zones', async () => {
    const stationZones = Object.fromEntries(METRO.map((id, index) => [id, index < 4 ? 1 : 3]));
    const found = problems(await load('metro', { fare: { kind: 'zones', stationZones, byZoneCount: { 1: 180, 2: 240 } } }));
    assert.deepEqual(found.map((item) => item.message), ['no fare between zones 1 and 3 (3 zones)']);
  });

  it('when a cap is lower than a single fare, then the answer says by how much', async () => {
    const found = problems(await load('metro', { fare: { kind: 'matrix', fares: matrix() }, caps: { dailyMinor: 400, weeklyMinor: 300 } }));
    assert.deepEqual(found.map((item) => item.message), [
      'adult daily cap 4.00 EUR is lower than the highest single fare 4.60 EUR',
      'adult weekly cap 3.00 EUR is lower than the highest single fare 4.60 EUR',
      'adult weekly cap 3.00 EUR is lower than the daily cap 4.00 EUR',
    ]);
  });

  it('when the effective date is not after the latest version, or in the past, then it is refused', async () => {
    assert.equal((await load('bus', { fare: { kind: 'flat', fareMinor: 160 } }, T0 + 2 * HOUR)).status, 201);
    const before = problems(await load('bus', { fare: { kind: 'flat', fareMinor: 170 } }, T0 + HOUR));
    assert.deepEqual(before.map((item) => item.code), ['EFFECTIVE_BEFORE_EXISTING']);
    assert.match(before[0].message, /is not after version 2, in force from 2026-01-05T10:00:00.000Z/);
    const t2 = await startTestGateway();
    try {
      const past = await t2.api.call('POST', '/api/operators/bus/tariffs', { effectiveFrom: T0 - 1, data: { fare: { kind: 'flat', fareMinor: 170 } } });
      assert.deepEqual(problems(past).map((item) => item.code), ['EFFECTIVE_IN_PAST']);
    } finally {
      await t2.close();
    }
  });

  it('when the shape is wrong or the time zone unknown, then every problem is listed with its path', async () => {
    const found = problems(await load('bus', { timeZone: 'Mars/Olympus', fare: { kind: 'flat', fareMinor: 150 }, concessions: { 2: { percentOff: 150 } } }));
    assert.deepEqual(found.map((item) => [item.code, item.path]), [['INVALID_FIELD', 'data.concessions.2.percentOff']]);
    const zone = problems(await load('bus', { timeZone: 'Mars/Olympus', fare: { kind: 'flat', fareMinor: 150 } }));
    assert.deepEqual(zone.map((item) => [item.code, item.message]), [['UNKNOWN_TIME_ZONE', 'unknown time zone Mars/Olympus']]);
  });

  it('when the operator does not exist, then the answer is 404', async () => {
    const answer = await load('tram', { fare: { kind: 'flat', fareMinor: 150 } });
    assert.deepEqual([answer.status, answer.body.error.code], [404, 'OPERATOR_NOT_FOUND']);
    assert.equal((await t.api.call('GET', '/api/operators/tram/tariffs')).status, 404);
  });
});
