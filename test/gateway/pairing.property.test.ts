import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { PassageRecord } from '../../protocol/laneApi.js';
import { findUnbalancedPostings } from '../../gateway/ledger/ledger.js';
import { enrolRider, passagesOfDay, sendPassages, startTestGateway, type ApiClient, type RiderStep, type TestGateway } from './support.js';

const STATION = fc.constantFrom('M1-01', 'M1-02', 'M1-03', 'M1-04', 'M1-05', 'M1-06', 'M1-07', 'M1-08');
const STEP = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('trip' as const), from: STATION, to: STATION }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('entry' as const), from: STATION }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('exit' as const), to: STATION }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('bus' as const), bus: fc.constantFrom('B42-1', 'B42-2', 'B42-3') }) },
);
type Step = RiderStep;

const SCENARIO = fc.record({
  steps: fc.array(STEP, { minLength: 1, maxLength: 5 }),
  gapsS: fc.array(fc.integer({ min: 1, max: 5400 }), { minLength: 10, maxLength: 10 }),
  arrivalKeys: fc.array(fc.integer(), { minLength: 10, maxLength: 10 }),
});

/** One rider's day as lanes record it, with strictly increasing passage times. */
function passagesOf(tokenId: string, steps: Step[], gaps: number[]): PassageRecord[] {
  return passagesOfDay(tokenId, steps, gaps.map((gap) => gap * 1000));
}

async function outcome(api: ApiClient, riderId: string) {
  const journeys = (await api.call('GET', `/api/riders/${riderId}/journeys`)).body.journeys as Array<Record<string, unknown>>;
  const balance = (await api.call('GET', `/api/riders/${riderId}`)).body.balanceMinor as number;
  const shape = journeys
    .map((j) => [j.status, j.mode, j.entryStationId, j.exitStationId, j.startedAt, j.endedAt, j.fareMinor, j.chargedMinor].join('|'))
    .sort();
  return { journeys: shape, totalChargedMinor: -balance };
}

// With the default hold a lone exit waits for its entry; with no hold it is priced at once and a
// late entry must correct it: both must end where arrival in time order ends.
for (const unpairedExitHoldS of [3600, 0]) {
  describe(`gateway pairing properties (unpaired exit hold ${unpairedExitHoldS} s)`, () => {
    let t: TestGateway;
    before(async () => (t = await startTestGateway({ config: { unpairedExitHoldS } })));
    after(async () => t.close());

    it('when a rider’s passages arrive in any order, then the journeys and the total charged are those of arrival in time order', async () => {
      await fc.assert(
        fc.asyncProperty(SCENARIO, async ({ steps, gapsS, arrivalKeys }) => {
          const inOrder = await enrolRider(t.api);
          const shuffled = await enrolRider(t.api);
          await sendPassages(t.api, passagesOf(inOrder.tokenId, steps, gapsS));
          const second = passagesOf(shuffled.tokenId, steps, gapsS);
          const order = second.map((_, index) => index).sort((a, b) => arrivalKeys[a] - arrivalKeys[b] || a - b);
          await sendPassages(t.api, order.map((index) => second[index]));
          const expected = await outcome(t.api, inOrder.riderId);
          const actual = await outcome(t.api, shuffled.riderId);
          assert.deepEqual(actual, expected);
        }),
        { numRuns: 30 },
      );
      assert.deepEqual(await findUnbalancedPostings(t.db.knex), []);
    });
  });
}
