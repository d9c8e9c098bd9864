import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { DEMO_TIME_ZONE, demoMetroFareMatrix } from '../../../demo/network.js';
import { checkLedger } from '../../../gateway/ledger/consistencyChecks.js';
import { rebuildRollups } from '../../../gateway/reports/rebuildRollups.js';
import { addTariffVersion } from '../../../gateway/tariffs/tariffStore.js';
import type { TollException } from '../../../protocol/toll.js';
import { enrolRider, passagesOfDay, sendPassages, startTestGateway, T0, type RiderStep, type TestGateway } from '../support.js';
import { HOUR, MIN, registerDriver, sendTolls, tollPassage } from '../tolls/tollSupport.js';
import { rollupSnapshot, rollupsFromRawRows } from './reportSupport.js';

const STATION = fc.constantFrom('M1-01', 'M1-02', 'M1-03', 'M1-05', 'M1-08');
const STEP: fc.Arbitrary<RiderStep> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('trip' as const), from: STATION, to: STATION }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('entry' as const), from: STATION }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('exit' as const), to: STATION }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('bus' as const), bus: fc.constantFrom('B42-1', 'B42-2') }) },
);
const DAY = fc.record({
  steps: fc.array(STEP, { minLength: 1, maxLength: 5 }),
  // Up to 9 hours between taps: days cross the 04:30 business-day cut-off.
  gapsS: fc.array(fc.integer({ min: 60, max: 9 * 3600 }), { minLength: 10, maxLength: 10 }),
  arrivalKeys: fc.array(fc.integer(), { minLength: 10, maxLength: 10 }),
  flags: fc.array(fc.constantFrom('none', 'tailgate', 'stale'), { minLength: 10, maxLength: 10 }),
});
const GANTRIES = ['TG01', 'TG02', 'TG03', 'TG04', 'TG05', 'TG06', 'TG07', 'TG08'];
const EXCEPTION = fc.constantFrom<TollException>('PLATE_MISMATCH', 'CLASS_MISMATCH', 'DEVICE_OFFLINE', 'LOW_CONFIDENCE');
const TOLL_TRIP = fc.record({
  gantries: fc.subarray(GANTRIES, { maxLength: 3 }),
  exit: fc.boolean(),
  exceptions: fc.array(fc.array(EXCEPTION, { maxLength: 2 }), { minLength: 5, maxLength: 5 }),
  startS: fc.integer({ min: 0, max: 20 * 3600 }),
});
const RUN = fc.record({
  riders: fc.array(DAY, { minLength: 1, maxLength: 3 }),
  stranger: fc.option(DAY, { nil: undefined }),
  toll: fc.option(TOLL_TRIP, { nil: undefined }),
  refund: fc.option(fc.record({ pick: fc.nat(), share: fc.double({ min: 0.05, max: 1, noNaN: true }) }), { nil: undefined }),
  sweepAfterS: fc.option(fc.integer({ min: 3600, max: 6 * 3600 }), { nil: undefined }),
});

describe('report rollups, maintained as data arrives', () => {
  let t: TestGateway;
  before(async () => {
    t = await startTestGateway();
    // A daily cap, so a late passage re-prices the rider's other journeys of the day.
    await addTariffVersion(t.db.knex, T0 - 3 * HOUR, 'metro', { effectiveFrom: T0 - 2 * HOUR, data: { timeZone: DEMO_TIME_ZONE, fare: { kind: 'matrix', fares: demoMetroFareMatrix() }, caps: { dailyMinor: 600 } } });
  });
  after(async () => t.close());

  it('when journeys are paired out of order, re-priced, swept, refunded and toll passages arrive, then the rollups equal a fresh sum of the raw rows, and a rebuild writes the same', async function () {
    this.timeout(240_000);
    await fc.assert(
      fc.asyncProperty(RUN, async (run) => {
        for (const day of [...run.riders, ...(run.stranger ? [run.stranger] : [])]) {
          const tokenId = day === run.stranger ? randomBytes(16).toString('hex') : (await enrolRider(t.api, { payLaterLimitMinor: 3000 })).tokenId;
          const passages = passagesOfDay(tokenId, day.steps, day.gapsS.map((gap) => gap * 1000)).map((one, i) => ({ ...one, tailgate: day.flags[i] === 'tailgate', trustStale: day.flags[i] === 'stale' }));
          const order = passages.map((_, i) => i).sort((a, b) => day.arrivalKeys[a] - day.arrivalKeys[b] || a - b);
          await sendPassages(t.api, order.map((i) => passages[i]));
        }
        if (run.toll) {
          const driver = await registerDriver(t.api, { payLaterLimitMinor: 5000 });
          let at = T0 + run.toll.startS * 1000;
          const stops: Array<['TW' | 'TE' | string, 'entry' | 'exit' | 'pass']> = [['TW', 'entry'], ...run.toll.gantries.map((site) => [site, 'pass'] as [string, 'pass']), ...(run.toll.exit ? [['TE', 'exit'] as [string, 'exit']] : [])];
          await sendTolls(t.api, stops.map(([site, direction], i) => tollPassage(driver, site, direction, (at += 5 * MIN), { exceptions: run.toll!.exceptions[i] })));
        }
        if (run.sweepAfterS !== undefined) {
          t.clock.set(Math.max(t.clock.now(), T0 + 3 * 86_400_000) + run.sweepAfterS * 1000);
          await t.gateway.sweeper.sweepOnce();
        }
        if (run.refund) {
          const charges = await t.db.knex('postings').where({ kind: 'charge' }).whereNotNull('journey_id').orderBy('id').select('id', 'rider_id');
          const charge = charges[run.refund.pick % Math.max(1, charges.length)];
          const receipt = charge && (await t.api.call('GET', `/api/receipts/${charge.id}`)).body;
          const left = receipt ? receipt.amountMinor - receipt.refunds.reduce((sum: number, r: { amountMinor: number }) => sum + r.amountMinor, 0) : 0;
          if (left > 0) {
            const dispute = await t.api.call('POST', `/api/riders/${charge.rider_id}/disputes`, { chargeId: charge.id, reason: 'check' });
            if (dispute.body.state === 'open') {
              const decide = (amountMinor: number) => t.api.call('POST', `/api/disputes/${dispute.body.id}/decision`, { decision: 'grant', amountMinor });
              let granted = await decide(Math.max(1, Math.floor(left * run.refund.share)));
              // A correction may have given part of the charge back already: grant what is left.
              const refundable = granted.body.error?.details?.refundableMinor;
              if (granted.status === 422 && refundable > 0) granted = await decide(refundable);
              if (granted.status === 422 && refundable === 0) granted = await t.api.call('POST', `/api/disputes/${dispute.body.id}/decision`, { decision: 'reject', note: 'nothing left' });
              assert.equal(granted.status, 200, JSON.stringify(granted.body));
            }
          }
        }
        assert.deepEqual(await rollupSnapshot(t.db.knex), await rollupsFromRawRows(t.db.knex, t.gateway.config));
      }),
      // Runs share one database (the rollups must hold across all of them), so shrinking would replay
      // a counterexample over rows it did not make: the first failure is reported as it is, with its seed.
      { numRuns: 25, endOnFailure: true },
    );
    const refunded = await t.db.knex('journeys').where('refunded_minor', '>', 0).count({ n: '*' }).first();
    assert.ok(Number(refunded?.n) > 0, 'the runs granted at least one refund');
    const maintained = await rollupSnapshot(t.db.knex);
    const summary = await rebuildRollups(t.db.knex, t.gateway.config, { nowMs: t.clock.now() });
    assert.ok(summary.rebuilt && summary.cells > 0);
    assert.deepEqual(await rollupSnapshot(t.db.knex), maintained);
    assert.deepEqual(await checkLedger(t.db.knex), []);
  });
});
