import assert from 'node:assert/strict';
import fc from 'fast-check';
import { demoTollTariffData } from '../../../db/seeds/demoTolls.js';
import { DEMO_TOLL_SITES } from '../../../demo/network.js';
import { checkLedger } from '../../../gateway/ledger/consistencyChecks.js';
import { findUnbalancedPostings } from '../../../gateway/ledger/ledger.js';
import type { Site } from '../../../gateway/network/networkCatalog.js';
import { sumLines } from '../../../gateway/tariffs/fareBreakdown.js';
import { TariffData } from '../../../gateway/tariffs/tariffData.js';
import { timeOfDayLine } from '../../../gateway/tariffs/timeOfDay.js';
import { pairTollPassages, type TollPairingPassage } from '../../../gateway/tolls/tollPairing.js';
import { priceTollTrip, etcDiscount } from '../../../gateway/tolls/tollPricing.js';
import type { TollRule } from '../../../gateway/tariffs/tariffData.js';
import type { TollPassageRecord } from '../../../protocol/toll.js';
import { startTestGateway, T0, type TestGateway } from '../support.js';
import { HOUR, MIN, registerDriver, tollPassage, type Driver } from './tollSupport.js';

const SITES: Site[] = DEMO_TOLL_SITES.map((site) => ({ id: site.id, operatorId: site.operatorId, name: site.name, mode: 'toll', line: 'road', order: site.order, deviceIds: [], kind: site.kind, km: site.km }));
const SITES_BY_ID = new Map(SITES.map((site) => [site.id, site]));
const GANTRIES = SITES.filter((site) => site.kind === 'gantry');
const TARIFF = { id: 'road-v1', operatorId: 'road', version: 1, effectiveFrom: 0, currency: 'EUR', data: TariffData.parse(demoTollTariffData()) } as const;
const RULE = TARIFF.data.fare as TollRule;

const GANTRY = fc.constantFrom(...GANTRIES.map((site) => site.id));
const READ = fc.record({ gantry: GANTRY, gapMs: fc.integer({ min: 1000, max: 25 * MIN }), byTag: fc.boolean(), duplicate: fc.boolean() });

function gantryRead(index: number, gantry: string, passedAt: number, byTag: boolean, duplicate: boolean, vehicleClass: string): TollPairingPassage {
  return {
    id: `00000000-0000-7000-8000-${String(index).padStart(12, '0')}`, stationId: gantry, siteKind: 'gantry', direction: 'pass', action: 'record', passedAt, receivedAt: passedAt,
    vehicleClass, tagId: byTag ? '0123456789ABCDEF' : null, exceptions: [...(byTag ? [] : ['PLATE_ONLY' as const]), ...(duplicate ? ['DUPLICATE_READ' as const] : [])], entry: null,
  };
}

describe('toll properties', () => {
  it('when any run of gantry passages is priced, then each trip toll is the sum of its priced segments, each segment priced on its own (fee, time of day, ETC)', () => {
    fc.assert(
      fc.property(fc.array(READ, { minLength: 1, maxLength: 12 }), fc.constantFrom('1', '2', '3', '4', '5'), fc.integer({ min: 0, max: 7 * 24 * 60 }), (reads, vehicleClass, startMin) => {
        let at = T0 + startMin * MIN;
        const passages = reads.map((read, index) => gantryRead(index, read.gantry, (at += read.gapMs), read.byTag, read.duplicate, vehicleClass));
        const { trips } = pairTollPassages(passages, { nowMs: at + HOUR, missingExitTimeoutMs: 3 * HOUR, unpairedExitHoldMs: HOUR, gantryGapMs: () => RULE.gantryTripGapMin * MIN });
        assert.equal(trips.flatMap((trip) => trip.gantries).length, passages.length, 'every passage is in one trip');
        for (const trip of trips) {
          const breakdown = priceTollTrip({ trip, id: trip.anchor.id, tariff: TARIFF as never, gantries: GANTRIES, sitesById: SITES_BY_ID, name: (id) => id ?? '?' });
          const path = breakdown.toll!.path;
          assert.equal(breakdown.fareMinor, path.reduce((total, step) => total + step.tollMinor, 0));
          assert.equal(sumLines(breakdown.lines), breakdown.fareMinor);
          for (const step of path.filter((candidate) => candidate.charged)) {
            const fee = RULE.gantryFees[step.stationId][vehicleClass];
            const timed = fee + (timeOfDayLine(TARIFF.data.periods, step.passedAt, TARIFF.data.timeZone, fee)?.amountMinor ?? 0);
            assert.ok(step.tollMinor === timed || step.tollMinor === timed + etcDiscount(timed, RULE.etcDiscountPercent));
          }
          assert.equal(path.filter((step) => !step.inferred).length, trip.gantries.length, 'every read gantry is on the path');
        }
      }),
      { numRuns: 300 },
    );
  });

  describe('through the gateway', () => {
    let t: TestGateway;
    before(async () => (t = await startTestGateway({ config: { arrearsGraceS: 12 * 3600, arrearsRetryIntervalS: 3600, unpairedExitHoldS: 600, missingExitTimeoutS: 3 * 3600 } })));
    after(async () => t.close());

    const STEP = fc.oneof(
      fc.record({ t: fc.constant('trip' as const), driver: fc.integer({ min: 0, max: 1 }), from: fc.constantFrom('TW', 'TE'), to: fc.constantFrom('TW', 'TE'), gantries: fc.subarray(['TG02', 'TG05', 'TG07']) }),
      fc.record({ t: fc.constant('entry' as const), driver: fc.integer({ min: 0, max: 1 }), at: fc.constantFrom('TW', 'TE') }),
      fc.record({ t: fc.constant('exit' as const), driver: fc.integer({ min: 0, max: 1 }), at: fc.constantFrom('TW', 'TE') }),
      fc.record({ t: fc.constant('gantries' as const), driver: fc.integer({ min: 0, max: 1 }), gantries: fc.subarray(['TG01', 'TG03', 'TG04', 'TG06', 'TG08'], { minLength: 1 }), plateOnly: fc.boolean() }),
      fc.record({ t: fc.constant('topup' as const), driver: fc.integer({ min: 0, max: 1 }), amountMinor: fc.integer({ min: 1, max: 900 }) }),
      fc.record({ t: fc.constant('wait' as const), hours: fc.integer({ min: 1, max: 20 }) }),
    );

    async function snapshot(drivers: Driver[]) {
      const ids = drivers.map((driver) => driver.riderId);
      const postings = await t.db.knex('postings').whereIn('rider_id', ids).orderBy('idempotency_key').select('idempotency_key');
      const journeys = await t.db.knex('journeys').whereIn('rider_id', ids).orderBy('id').select('id', 'status', 'fare_minor', 'charged_minor');
      const arrears = await t.db.knex('arrears').whereIn('owner_id', ids).orderBy('posting_id').select('posting_id', 'state', 'repaid_minor');
      return JSON.stringify({ postings, journeys, arrears });
    }

    it('when any sequence of toll passages, unpaid tolls, waits and repayments is run and replayed shuffled, then the ledger balances, charges equal trip tolls, and the replay changes nothing', async function () {
      this.timeout(300_000);
      let topups = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(STEP, { minLength: 1, maxLength: 10 }), fc.integer(), async (steps, seed) => {
          const drivers = [await registerDriver(t.api, { payLaterLimitMinor: 0 }), await registerDriver(t.api, { payLaterLimitMinor: 300 })];
          const sent: TollPassageRecord[] = [];
          const send = async (passages: TollPassageRecord[]) => {
            for (const one of passages) {
              const answer = await t.api.call('POST', '/api/lane/v1/toll-passages', { laneId: one.laneId, passages: [one] });
              assert.deepEqual(answer.body.rejected, []);
              sent.push(one);
            }
          };
          for (const step of steps) {
            const now = t.clock.now();
            if (step.t === 'trip') {
              const driver = drivers[step.driver];
              await send([tollPassage(driver, step.from, 'entry', now), ...step.gantries.map((gantry, index) => tollPassage(driver, gantry, 'pass', now + (index + 1) * MIN)), tollPassage(driver, step.to, 'exit', now + 20 * MIN)]);
            } else if (step.t === 'entry' || step.t === 'exit') {
              await send([tollPassage(drivers[step.driver], step.at, step.t, now)]);
            } else if (step.t === 'gantries') {
              await send(step.gantries.map((gantry, index) => tollPassage(drivers[step.driver], gantry, 'pass', now + index * 4 * MIN, { plateOnly: step.plateOnly })));
            } else if (step.t === 'topup') {
              const answer = await t.api.call('POST', `/api/riders/${drivers[step.driver].riderId}/topups`, { amountMinor: step.amountMinor, reference: `p${(topups += 1)}` });
              assert.ok(answer.status < 300);
            } else {
              t.clock.advance(step.hours * HOUR);
              await t.gateway.sweeper.sweepOnce();
              await t.gateway.arrears.sweepOnce();
            }
            t.clock.advance(30 * MIN);
          }
          t.clock.advance(24 * HOUR);
          await t.gateway.sweeper.sweepOnce();
          await t.gateway.arrears.sweepOnce();
          assert.deepEqual(await findUnbalancedPostings(t.db.knex), []);
          assert.deepEqual(await checkLedger(t.db.knex), []);
          for (const driver of drivers) {
            const trips = await t.db.knex('journeys').where({ rider_id: driver.riderId }).whereNot('status', 'void').select('fare_minor', 'status');
            const charged = (await t.api.call('GET', `/api/riders/${driver.riderId}/charges`)).body.charges.reduce((total: number, charge: { amountMinor: number }) => total + charge.amountMinor, 0);
            const tolls = trips.filter((trip) => trip.status !== 'open').reduce((total, trip) => total + Number(trip.fare_minor), 0);
            assert.equal(charged, tolls, 'the ledger holds exactly the tolls of the trips');
          }
          const before = await snapshot(drivers);
          const shuffled = [...sent].sort((a, b) => ((a.id.charCodeAt(30) * 31 + seed) % 97) - ((b.id.charCodeAt(30) * 31 + seed) % 97));
          for (const one of shuffled) {
            const answer = await t.api.call('POST', '/api/lane/v1/toll-passages', { laneId: one.laneId, passages: [one] });
            assert.deepEqual(answer.body, { accepted: [one.id], rejected: [] });
          }
          await t.gateway.sweeper.sweepOnce();
          assert.equal(await snapshot(drivers), before, 'replaying every passage changes nothing');
        }),
        { numRuns: 25 },
      );
    });
  });
});
