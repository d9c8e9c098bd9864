import assert from 'node:assert/strict';
import type { Knex } from 'knex';
import { DAY_START, loadCapsAndTransfers } from '../../../bench/pricingThroughput.js';
import { benchRiders, laneBatches, riderDay, seedBenchRiders } from '../../../bench/pricingWorkload.js';
import { seedDemoNetwork } from '../../../db/seeds/demoNetwork.js';
import { gatewayConfig } from '../../../gateway/config.js';
import type { GatewayContext } from '../../../gateway/context.js';
import { JourneyPairer } from '../../../gateway/journeys/journeyPairer.js';
import { LiveHub } from '../../../gateway/live/liveHub.js';
import { Metrics } from '../../../gateway/metrics.js';
import { NetworkCatalogCache } from '../../../gateway/network/catalogCache.js';
import { storePassageBatch } from '../../../gateway/passages/ingestPassages.js';
import { TrustPublisher } from '../../../gateway/trust/trustPublisher.js';
import { addTariffVersion } from '../../../gateway/tariffs/tariffStore.js';
import { checkLedger } from '../../../gateway/ledger/consistencyChecks.js';
import { ManualClock } from '../../../protocol/clock.js';
import type { PassageBatch, PassageRecord } from '../../../protocol/laneApi.js';
import { uuidv7 } from '../../../protocol/ids.js';
import { seededRandom } from '../../../simulator/random.js';
import { openTestDatabase, type TestDatabase } from '../../support/environment.js';

const HOUR = 3_600_000;

function contextFor(knex: Knex, clock: ManualClock): GatewayContext {
  return { config: gatewayConfig({ httpPort: 0, sweepIntervalMs: 0 }), knex, clock, ids: uuidv7, trust: new TrustPublisher(() => undefined), live: new LiveHub(), metrics: new Metrics(), catalog: new NetworkCatalogCache(knex) };
}

/** A database with the demo network, the bench tariffs (caps, transfers) and these riders, and a context on it. */
async function pricingDatabase(databases: TestDatabase[], riders: ReturnType<typeof benchRiders>) {
  const db = await openTestDatabase();
  databases.push(db);
  const clock = new ManualClock(DAY_START - 2 * HOUR);
  const ctx = contextFor(db.knex, clock);
  await seedDemoNetwork(db.knex);
  await loadCapsAndTransfers(db.knex, clock.now());
  await seedBenchRiders(db.knex, riders, clock.now(), ctx.config.currency);
  return { db, clock, ctx };
}

/** The riders' business day (4 or 5 journeys each) as their lanes would send it (pricingWorkload.ts). */
function dayBatches(riders: ReturnType<typeof benchRiders>, seed: number, maxWaitMs: number) {
  const random = seededRandom(seed);
  const days = riders.map((rider) => riderDay(rider, DAY_START, random));
  return { days, batches: laneBatches(days.flatMap((day) => day.taps), 500, maxWaitMs) };
}

/**
 * The batches through `send` in the order they were sent (the clock at each one's sending time),
 * once with every token paired on its own (batchTokens 0) and once in batches: what each run left.
 */
async function oneByOneAndBatched(databases: TestDatabase[], riders: ReturnType<typeof benchRiders>, batches: ReturnType<typeof laneBatches>, send: (pairer: JourneyPairer, ctx: GatewayContext, batch: PassageBatch) => Promise<void>) {
  const runs = [];
  for (const batchTokens of [0, 500]) {
    const { db, clock, ctx } = await pricingDatabase(databases, riders);
    const pairer = new JourneyPairer(ctx, { batchTokens });
    for (const { sentAt, batch } of batches) {
      clock.set(Math.max(clock.now(), sentAt));
      await send(pairer, ctx, batch);
    }
    runs.push({ pairer, outcome: await outcome(db.knex), metrics: ctx.metrics.snapshot(), problems: await checkLedger(db.knex) });
  }
  return runs;
}

/** What pairing decided, without the ids and times that differ between two runs. */
async function outcome(knex: Knex) {
  const journeys = await knex('journeys').orderBy('id').select('id', 'rider_id', 'status', 'fare_minor', 'charged_minor', 'fare_rule', 'fare_breakdown', 'revision');
  const passages = await knex('passages').orderBy('id').select('id', 'journey_id');
  const postings = await knex('postings').whereNot('kind', 'topup').orderBy('idempotency_key').select('idempotency_key', 'kind', 'journey_id', 'description');
  const entries = await knex('ledger_entries').join('postings', 'postings.id', 'ledger_entries.posting_id').whereNot('postings.kind', 'topup')
    .orderBy([{ column: 'postings.idempotency_key' }, { column: 'ledger_entries.account_id' }]).select('postings.idempotency_key', 'ledger_entries.account_id', 'ledger_entries.amount_minor');
  const arrears = await knex('arrears').join('postings', 'postings.id', 'arrears.posting_id').orderBy('postings.idempotency_key').select('postings.idempotency_key', 'arrears.advanced_minor', 'arrears.state');
  const notices = await knex('payer_notices').join('postings', 'postings.id', 'payer_notices.posting_id').orderBy('postings.idempotency_key').select('postings.idempotency_key', 'payer_notices.amount_minor');
  return { journeys, passages, postings, entries, arrears, notices };
}

describe('journey pairing in batches', function () {
  this.timeout(120_000);
  const databases: TestDatabase[] = [];
  afterEach(async () => {
    for (const db of databases.splice(0)) await db.close();
  });

  it('when lane batches of many tokens are paired a batch at a time, then journeys, passages, postings and arrears equal pairing each token on its own', async () => {
    const riders = benchRiders(120);
    const { batches } = dayBatches(riders, 11, 20 * 60_000);
    const runs = await oneByOneAndBatched(databases, riders, batches, async (pairer, ctx, batch) => {
      const { inserted } = await storePassageBatch(ctx, batch);
      assert.equal((await pairer.pairTokens(inserted)).failed, 0);
      // A replayed batch stores nothing and posts nothing.
      assert.equal((await storePassageBatch(ctx, batch)).inserted.length, 0);
    });
    const [oneByOne, batched] = runs;
    assert.ok(oneByOne.outcome.journeys.length >= 480);
    // Family payers are priced in the batch too: their notices are part of what must be equal.
    assert.ok(oneByOne.outcome.notices.length > 0);
    assert.equal(batched.metrics['pairing.one_by_one.family_payer'], undefined);
    // So is money given back when a later journey lowers an earlier fare (a cap reached late).
    assert.ok(oneByOne.outcome.postings.some((posting) => posting.description.includes('; back to ')), 'no money was given back');
    assert.equal(batched.metrics['pairing.one_by_one.money_given_back'], undefined);
    assert.deepEqual(batched.problems, []);
    assert.equal(batched.metrics['pairing.batch_failed'], undefined);
    assert.deepEqual(batched.outcome, oneByOne.outcome);
  });

  it('when lanes send batches that are stored and paired in rounds, then everything equals storing each batch and pairing each token on its own; a batch sent twice at once is stored once, and a changed passage is refused', async () => {
    const riders = benchRiders(120);
    const { batches } = dayBatches(riders, 13, 20 * 60_000);
    const runs = await oneByOneAndBatched(databases, riders, batches, async (pairer, _ctx, batch) => {
      // Sent again before the first answer came (a retry after a timeout): both go in one round.
      const [first, again] = await Promise.all([pairer.storePassages(batch), pairer.storePassages(batch)]);
      const ids = batch.passages.map((passage) => passage.id);
      assert.deepEqual(first.result, { accepted: ids, rejected: [] });
      assert.deepEqual(again.result, first.result);
      assert.deepEqual([...first.inserted, ...again.inserted].map((passage) => passage.id).sort(), [...ids].sort());
      assert.equal(first.failed + again.failed, 0);
    });
    for (const { pairer } of runs) {
      const [sent] = batches[0].batch.passages;
      const changed = await pairer.storePassages({ laneId: sent.laneId, passages: [{ ...sent, passedAt: sent.passedAt + 1 }] });
      const seqTaken = await pairer.storePassages({ laneId: sent.laneId, passages: [{ ...sent, id: uuidv7() }] });
      assert.deepEqual([...changed.result.rejected, ...seqTaken.result.rejected].map((rejection) => rejection.code), ['PASSAGE_CONFLICT', 'LANE_SEQ_CONFLICT']);
      assert.deepEqual([...changed.inserted, ...seqTaken.inserted], []);
    }
    const [alone, together] = runs;
    assert.ok(alone.outcome.journeys.length >= 480);
    assert.deepEqual(together.problems, []);
    assert.equal(together.metrics['pairing.batch_failed'], undefined);
    assert.deepEqual(together.outcome, alone.outcome);
  });

  for (const partitions of [1, 2]) {
    it(`when lanes post their batches at the same moment, then their tokens are paired in one round per partition (${partitions}), each once, and a repeat changes nothing`, async () => {
      const riders = benchRiders(40);
      const { days, batches } = dayBatches(riders, 12, 24 * HOUR);
      const expected = days.reduce((total, day) => total + day.journeys, 0);
      const { db, clock, ctx } = await pricingDatabase(databases, riders);
      clock.set(Math.max(...batches.map((item) => item.sentAt)));
      const stored: PassageRecord[][] = [];
      for (const { batch } of batches) stored.push((await storePassageBatch(ctx, batch)).inserted);
      assert.ok(stored.length > 1, 'the day spans several lanes');
      const pairer = new JourneyPairer(ctx, { batchTokens: 500, partitions });
      const results = await Promise.all(stored.map((inserted) => pairer.pairTokens(inserted)));
      assert.equal(ctx.metrics.snapshot()['pairing.rounds'], partitions);
      // Each lane is told about its own tokens: a rider who used two lanes counts at both.
      results.forEach((result, index) => assert.deepEqual(result, { tokens: new Set(stored[index].map((passage) => passage.tokenId)).size, failed: 0 }));
      const complete = await db.knex('journeys').where('status', 'complete').count({ n: '*' }).first();
      assert.equal(Number(complete?.n), expected);
      assert.equal(Number((await db.knex('passages').whereNull('journey_id').count({ n: '*' }).first())?.n), 0);
      assert.deepEqual(await checkLedger(db.knex), []);
      const before = await outcome(db.knex);
      await Promise.all(stored.map((inserted) => pairer.pairTokens(inserted)));
      assert.equal(ctx.metrics.snapshot()['pairing.rounds'], 2 * partitions);
      assert.deepEqual(await outcome(db.knex), before);
    });
  }

  it('when a tariff version is added, then the cached catalog is loaded again, and not otherwise', async () => {
    const db = await openTestDatabase();
    databases.push(db);
    await seedDemoNetwork(db.knex);
    const cache = new NetworkCatalogCache(db.knex);
    const first = await cache.current();
    assert.equal(await cache.current(), first);
    assert.equal(cache.loads, 1);
    // Another replica (or a seed) adds a tariff: the stamp changes, the next use reloads.
    await addTariffVersion(db.knex, DAY_START - 2 * HOUR, 'bus', { effectiveFrom: DAY_START, data: { fare: { kind: 'flat', fareMinor: 170 } } });
    const second = await cache.current();
    assert.equal(cache.loads, 2);
    assert.equal(second.tariffs.filter((tariff) => tariff.operatorId === 'bus').length, 2);
    cache.invalidate();
    await cache.current();
    assert.equal(cache.loads, 3);
  });
});
