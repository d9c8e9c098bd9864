import assert from 'node:assert/strict';
import fc from 'fast-check';
import { demoMetroFareMatrix } from '../../../demo/network.js';
import { findUnbalancedPostings } from '../../../gateway/ledger/ledger.js';
import { businessDay } from '../../../gateway/tariffs/localTime.js';
import type { PassageRecord } from '../../../protocol/laneApi.js';
import { enrolRider, passagesOfDay, sendPassages, startTestGateway, T0, type ApiClient, type RiderStep, type TestGateway } from '../support.js';

const STATION = fc.constantFrom('M1-01', 'M1-03', 'M1-05', 'M1-08');
const STEP = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('trip' as const), from: STATION, to: STATION }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('entry' as const), from: STATION }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('exit' as const), to: STATION }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('bus' as const), bus: fc.constantFrom('B42-1', 'B42-2') }) },
);
type Step = RiderStep;
const SCENARIO = fc.record({
  steps: fc.array(STEP, { minLength: 1, maxLength: 8 }),
  gapsMin: fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 16, maxLength: 16 }),
  arrivalKeys: fc.array(fc.integer(), { minLength: 16, maxLength: 16 }),
});
const DAILY_CAP = { metro: 1000, bus: 300 };

function passagesOf(tokenId: string, steps: Step[], gaps: number[]): PassageRecord[] {
  return passagesOfDay(tokenId, steps, gaps.map((gap) => gap * 60_000));
}

async function outcome(api: ApiClient, riderId: string) {
  const journeys = (await api.call('GET', `/api/riders/${riderId}/journeys`)).body.journeys as Array<Record<string, any>>;
  const balance = (await api.call('GET', `/api/riders/${riderId}`)).body.balanceMinor as number;
  const shape = journeys.map((j) => [j.status, j.mode, j.entryStationId, j.exitStationId, j.startedAt, j.fareMinor, j.chargedMinor, JSON.stringify(j.breakdown?.lines.map((line: { step: string; amountMinor: number }) => [line.step, line.amountMinor]))].join('|')).sort();
  return { journeys: shape, totalChargedMinor: -balance, raw: journeys };
}

// With no hold a lone exit is priced at once and a late entry voids it: re-pricing must still end
// where arrival in time order ends.
for (const unpairedExitHoldS of [3600, 0]) describe(`gateway pricing properties, caps and transfers (unpaired exit hold ${unpairedExitHoldS} s)`, () => {
  let t: TestGateway;
  before(async () => {
    t = await startTestGateway({ config: { unpairedExitHoldS } });
    const tariffs = [
      ['metro', { timeZone: 'Europe/Paris', fare: { kind: 'matrix', fares: demoMetroFareMatrix() }, transfers: { windowMin: 60, pairs: [{ from: 'bus', to: 'metro' }], fromOperators: ['bus'], percentOff: 50 }, caps: { dailyMinor: DAILY_CAP.metro } }],
      ['bus', { timeZone: 'Europe/Paris', fare: { kind: 'flat', fareMinor: 150 }, transfers: { windowMin: 60, pairs: [{ from: 'metro', to: 'bus' }], fromOperators: ['metro'], percentOff: 100 }, caps: { dailyMinor: DAILY_CAP.bus } }],
    ] as const;
    for (const [operator, data] of tariffs) assert.equal((await t.api.call('POST', `/api/operators/${operator}/tariffs`, { effectiveFrom: T0, data })).status, 201);
  });
  after(async () => t.close());

  it('when a rider’s passages arrive in any order, then fares equal those of arrival in time order, caps hold per business day, and a replay changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(SCENARIO, async ({ steps, gapsMin, arrivalKeys }) => {
        const inOrder = await enrolRider(t.api);
        const shuffled = await enrolRider(t.api);
        await sendPassages(t.api, passagesOf(inOrder.tokenId, steps, gapsMin));
        const second = passagesOf(shuffled.tokenId, steps, gapsMin);
        const order = second.map((_, index) => index).sort((a, b) => arrivalKeys[a] - arrivalKeys[b] || a - b);
        await sendPassages(t.api, order.map((index) => second[index]));
        const expected = await outcome(t.api, inOrder.riderId);
        const actual = await outcome(t.api, shuffled.riderId);
        assert.deepEqual(actual.journeys, expected.journeys);
        assert.equal(actual.totalChargedMinor, expected.totalChargedMinor);

        const perDay = new Map<string, number>();
        for (const journey of actual.raw) {
          const key = `${journey.operatorId}|${businessDay(journey.startedAt, 'Europe/Paris', '04:30')}`;
          perDay.set(key, (perDay.get(key) ?? 0) + journey.chargedMinor);
        }
        for (const [key, total] of perDay) assert.ok(total <= DAILY_CAP[key.split('|')[0] as 'metro' | 'bus'], `${key}: ${total}`);

        const postings = await t.db.knex('postings').count({ n: '*' }).first();
        await sendPassages(t.api, second);
        assert.deepEqual(await t.db.knex('postings').count({ n: '*' }).first(), postings, 'a replay posts nothing');
      }),
      { numRuns: 20 },
    );
    assert.deepEqual(await findUnbalancedPostings(t.db.knex), []);
  });
});
