import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DEMO_TOLL_SITES } from '../../../demo/network.js';
import { cloneReads, possiblePair, type TagConflictRules, type TagRead } from '../../../gateway/tolls/tagConflicts.js';
import { startTestGateway, T0, type TestGateway } from '../support.js';
import { MIN, registerDriver, tollPassage } from './tollSupport.js';

const RULES: TagConflictRules = { maxSpeedKmh: 250, clockSlackMs: 5000 };
const SITES = [...DEMO_TOLL_SITES].sort((a, b) => a.km - b.km);
const HOUR = 60 * MIN;

/** One trip as the road allows it: plaza to plaza, a U-turn back to the same plaza, or a run of gantries between junctions; reads may be missed. */
const TRIP = fc.record({
  kind: fc.constantFrom('through', 'uturn', 'junction'),
  eastbound: fc.boolean(),
  from: fc.integer({ min: 1, max: 8 }),
  to: fc.integer({ min: 1, max: 8 }),
  missed: fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }),
  speedsKmh: fc.array(fc.integer({ min: 20, max: 240 }), { minLength: 20, maxLength: 20 }),
  skewsMs: fc.array(fc.integer({ min: -2000, max: 2000 }), { minLength: 20, maxLength: 20 }),
  plates: fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }),
  restMs: fc.integer({ min: 0, max: 3 * HOUR }),
});
type Trip = typeof TRIP extends fc.Arbitrary<infer T> ? T : never;

interface Stop {
  site: (typeof SITES)[number];
  direction: 'entry' | 'exit' | 'pass';
}

function routeOf(trip: Trip): Stop[] {
  const gantries = SITES.filter((site) => site.kind === 'gantry');
  const [west, east] = [SITES[0], SITES[SITES.length - 1]];
  const pass = (site: (typeof SITES)[number]): Stop => ({ site, direction: 'pass' });
  if (trip.kind === 'junction') {
    const run = gantries.slice(Math.min(trip.from, trip.to) - 1, Math.max(trip.from, trip.to));
    return (trip.eastbound ? run : run.reverse()).map(pass);
  }
  const ordered = trip.eastbound ? gantries : [...gantries].reverse();
  const home = trip.eastbound ? west : east;
  if (trip.kind === 'uturn') {
    const out = ordered.slice(0, trip.from);
    return [{ site: home, direction: 'entry' }, ...out.map(pass), ...[...out].reverse().map(pass), { site: home, direction: 'exit' }];
  }
  return [{ site: home, direction: 'entry' }, ...ordered.map(pass), { site: trip.eastbound ? east : west, direction: 'exit' }];
}

/** A vehicle's day: each hop at a speed of at most 240 km/h, each read time off by up to 2 s (lane clocks), rests between trips long enough to drive to the next start. */
function dayOf(trips: Trip[]): Array<TagRead & { stop: Stop }> {
  const reads: Array<TagRead & { stop: Stop }> = [];
  let at = T0;
  let km: number | undefined;
  let counter = 0;
  for (const trip of trips) {
    const route = routeOf(trip);
    if (km !== undefined) at += Math.ceil((Math.abs(route[0].site.km - km) / 240) * HOUR) + trip.restMs;
    route.forEach((stop, index) => {
      if (km !== undefined && index > 0) at += Math.ceil((Math.abs(stop.site.km - km) / trip.speedsKmh[index]) * HOUR);
      km = stop.site.km;
      // Plaza reads always count (the barrier); a gantry may miss the vehicle.
      if (stop.direction === 'pass' && trip.missed[index]) return;
      counter += 1;
      reads.push({ id: `r${String(counter).padStart(4, '0')}`, passedAt: at + trip.skewsMs[index], road: 'road', km: stop.site.km, plateMatches: trip.plates[index], stop });
    });
  }
  return reads;
}

describe('cloned tags: properties', () => {
  it('when a vehicle drives any plausible day (at most 240 km/h, lane clocks 2 s apart, reads missed), then no read of it is ever attributed to a clone', () => {
    fc.assert(
      fc.property(fc.array(TRIP, { minLength: 1, maxLength: 6 }), (trips) => {
        assert.deepEqual(cloneReads(dayOf(trips), RULES), []);
      }),
      { numRuns: 500 },
    );
  });

  it('when a clone is read at sites at least 25 km from where the vehicle was read within the same minute, then exactly the clone’s reads are attributed, whatever the order', () => {
    fc.assert(
      fc.property(fc.array(TRIP, { minLength: 1, maxLength: 4 }), fc.array(fc.record({ pick: fc.nat(), site: fc.nat(), offsetMs: fc.integer({ min: -60_000, max: 60_000 }) }), { minLength: 1, maxLength: 5 }), (trips, copies) => {
        const vehicle = dayOf(trips).map((read) => ({ ...read, plateMatches: true }));
        fc.pre(vehicle.length > 0);
        const clones: TagRead[] = [];
        for (const [index, copy] of copies.entries()) {
          const near = vehicle[copy.pick % vehicle.length];
          const far = SITES.filter((site) => Math.abs(site.km - near.km!) >= 25);
          if (far.length === 0) continue;
          clones.push({ id: `c${index}`, passedAt: near.passedAt + copy.offsetMs, road: 'road', km: far[copy.site % far.length].km, plateMatches: false });
        }
        const found = cloneReads([...clones, ...vehicle].reverse(), RULES);
        assert.deepEqual(found.map((conflict) => conflict.cloneReadId).sort(), clones.map((read) => read.id).sort());
        for (const conflict of found) assert.ok(vehicle.some((read) => read.id === conflict.vehicleReadId), 'each is named against a read of the vehicle');
      }),
      { numRuns: 500 },
    );
  });

  it('when reads of one tag are anything at all, then what is kept has no impossible pair, and each read taken out conflicts with a kept read it names', () => {
    const READ = fc.record({ km: fc.constantFrom(...SITES.map((site) => site.km)), minute: fc.integer({ min: 0, max: 120 }), plateMatches: fc.boolean() });
    fc.assert(
      fc.property(fc.array(READ, { minLength: 0, maxLength: 30 }), (raw) => {
        const reads: TagRead[] = raw.map((read, index) => ({ id: `r${index}`, passedAt: T0 + read.minute * MIN, road: 'road', km: read.km, plateMatches: read.plateMatches }));
        const found = cloneReads(reads, RULES);
        const out = new Set(found.map((conflict) => conflict.cloneReadId));
        const kept = reads.filter((read) => !out.has(read.id));
        for (const a of kept) for (const b of kept) assert.ok(possiblePair(a, b, RULES), `${a.id} and ${b.id} are both kept`);
        for (const conflict of found) {
          const vehicleRead = kept.find((read) => read.id === conflict.vehicleReadId);
          assert.ok(vehicleRead && !possiblePair(reads.find((read) => read.id === conflict.cloneReadId)!, vehicleRead, RULES));
        }
      }),
      { numRuns: 500 },
    );
  });

  describe('through the gateway', () => {
    let t: TestGateway;
    before(async () => (t = await startTestGateway()));
    after(async () => t.close());

    it('when a driver’s plausible trips reach the gateway in any order, then none is attributed to a clone, nobody is deny-listed, and every trip is charged', async function () {
      this.timeout(300_000);
      await fc.assert(
        fc.asyncProperty(fc.array(TRIP, { minLength: 1, maxLength: 3 }), fc.integer(), async (trips, seed) => {
          const driver = await registerDriver(t.api, { payLaterLimitMinor: 100_000 });
          const passages = dayOf(trips).map((read) => tollPassage(driver, read.stop.site.id, read.stop.direction, read.passedAt));
          const shuffled = passages.map((passage, index) => ({ passage, key: (index * 7919 + seed) % 1009 })).sort((a, b) => a.key - b.key).map((item) => item.passage);
          for (const one of shuffled) {
            const answer = await t.api.call('POST', '/api/lane/v1/toll-passages', { laneId: one.laneId, passages: [one] });
            assert.deepEqual(answer.body.rejected, []);
          }
          t.clock.advance(24 * HOUR);
          await t.gateway.sweeper.sweepOnce();
          assert.equal(await t.db.knex('obu_clone_reads').where({ vehicle_token_id: driver.tokenId }).count({ n: '*' }).first().then((row) => Number(row?.n)), 0);
          assert.equal(await t.db.knex('deny_list').where({ token_id: driver.tokenId }).first(), undefined);
          const unpaired = await t.db.knex('toll_passages').where({ vehicle_token_id: driver.tokenId }).whereNull('trip_id').count({ n: '*' }).first();
          assert.equal(Number(unpaired?.n), 0, 'every passage is in a trip');
        }),
        { numRuns: 15 },
      );
    });
  });
});
