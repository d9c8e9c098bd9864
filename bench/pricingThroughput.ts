import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Knex } from 'knex';
import { openDatabase } from '../db/connect.js';
import { seedDemoNetwork } from '../db/seeds/demoNetwork.js';
import { DEMO_TIME_ZONE, demoMetroFareMatrix } from '../demo/network.js';
import { gatewayConfig } from '../gateway/config.js';
import type { GatewayContext } from '../gateway/context.js';
import { JourneyPairer } from '../gateway/journeys/journeyPairer.js';
import { LiveHub } from '../gateway/live/liveHub.js';
import { Metrics } from '../gateway/metrics.js';
import { NetworkCatalogCache } from '../gateway/network/catalogCache.js';
import { addTariffVersion } from '../gateway/tariffs/tariffStore.js';
import { TrustPublisher } from '../gateway/trust/trustPublisher.js';
import { ManualClock } from '../protocol/clock.js';
import { uuidv7 } from '../protocol/ids.js';
import { seededRandom } from '../simulator/random.js';
import { benchRiders, laneBatches, riderDay, seedBenchRiders } from './pricingWorkload.js';
import { round } from './stats.js';

export interface PricingOptions {
  /** postgres://... or undefined for SQLite in a temporary file. */
  databaseUrl?: string;
  riders: number;
  /** Batches in flight at once, as lanes post concurrently. */
  concurrency: number;
  maxBatch: number;
  /** A lane sends what it holds once its oldest unsent passage is this old (simulated time). */
  maxWaitMs: number;
}

export interface PricingResult {
  database: 'postgresql' | 'sqlite';
  journeysPricedPerS: number;
  journeys: number;
  passages: number;
  batches: number;
  meanBatch: number;
  elapsedMs: number;
  queriesPerJourney: number;
  charges: number;
  advances: number;
  pairingFailures: number;
  /** Tokens the batch left to the one-at-a-time path, by reason (gateway metrics). */
  oneByOne: Record<string, number>;
  /** Pairing rounds run, and batches that failed as a whole (a deadlock, say) and went one by one. */
  rounds: number;
  batchesFailed: number;
}

export const DAY_START = Date.UTC(2026, 2, 10, 3, 30); // a Tuesday, 04:30 in Paris: a business day
const HOUR = 3_600_000;

/** Version 2 of the demo tariffs: transfers between metro and bus within 60 min, daily caps. */
export async function loadCapsAndTransfers(knex: Knex, nowMs: number): Promise<void> {
  const effectiveFrom = DAY_START - HOUR;
  await addTariffVersion(knex, nowMs, 'metro', { effectiveFrom, data: {
    timeZone: DEMO_TIME_ZONE, fare: { kind: 'matrix', fares: demoMetroFareMatrix() },
    transfers: { windowMin: 60, pairs: [{ from: 'bus', to: 'metro' }], fromOperators: ['bus'], fareMinor: 100 },
    caps: { dailyMinor: 700 },
  } });
  await addTariffVersion(knex, nowMs, 'bus', { effectiveFrom, data: {
    timeZone: DEMO_TIME_ZONE, fare: { kind: 'flat', fareMinor: 150 },
    transfers: { windowMin: 60, pairs: [{ from: 'metro', to: 'bus' }], fromOperators: ['metro'], percentOff: 100 },
    caps: { dailyMinor: 450 },
  } });
}

/**
 * journeys_priced_per_s (issue 4): a business day of lane batches through the lane API's own
 * path, JourneyPairer.storePassages, called in process (no HTTP), timed from
 * the first batch until every journey is priced and posted. Runs in a schema (PostgreSQL) or a
 * file (SQLite) of its own, removed afterwards.
 */
export async function measurePricing(options: PricingOptions): Promise<PricingResult> {
  const dir = mkdtempSync(join(tmpdir(), 'turnpike-pricing-'));
  const schema = options.databaseUrl ? `bench_pricing_${randomBytes(4).toString('hex')}` : undefined;
  const knex = await openDatabase({ databaseUrl: options.databaseUrl, sqliteFile: join(dir, 'gateway.sqlite'), schema, poolMax: options.concurrency + 2 });
  try {
    const clock = new ManualClock(DAY_START - 2 * HOUR);
    const config = gatewayConfig({ httpPort: 0, sweepIntervalMs: 0 });
    const ctx: GatewayContext = { config, knex, clock, ids: uuidv7, trust: new TrustPublisher(() => undefined), live: new LiveHub(), metrics: new Metrics(), catalog: new NetworkCatalogCache(knex) };
    await seedDemoNetwork(knex);
    await loadCapsAndTransfers(knex, clock.now());
    const riders = await seedBenchRiders(knex, benchRiders(options.riders), clock.now(), config.currency);
    const random = seededRandom(7);
    const days = riders.map((rider) => riderDay(rider, DAY_START, random));
    const expected = days.reduce((total, day) => total + day.journeys, 0);
    const batches = laneBatches(days.flatMap((day) => day.taps), options.maxBatch, options.maxWaitMs);
    const passages = batches.reduce((total, item) => total + item.batch.passages.length, 0);

    const pairer = new JourneyPairer(ctx);
    let queries = 0;
    let failures = 0;
    const countQuery = () => (queries += 1);
    knex.on('query', countQuery);
    let next = 0;
    const startedAt = performance.now();
    const lane = async () => {
      while (next < batches.length) {
        const { sentAt, batch } = batches[next++];
        if (sentAt > clock.now()) clock.set(sentAt);
        failures += (await pairer.storePassages(batch)).failed;
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, lane));
    const elapsedMs = performance.now() - startedAt;
    knex.off('query', countQuery);

    const priced = await knex('journeys').where('status', 'complete').count({ n: '*' }).first();
    if (Number(priced?.n) !== expected) throw new Error(`pricing bench: ${Number(priced?.n)} of ${expected} journeys complete after the run (${failures} pairing failures)`);
    const charges = await knex('postings').where('kind', 'charge').count({ n: '*' }).first();
    const advances = await knex('arrears').count({ n: '*' }).first();
    return {
      database: options.databaseUrl ? 'postgresql' : 'sqlite',
      journeysPricedPerS: Math.round(expected / (elapsedMs / 1000)),
      journeys: expected,
      passages,
      batches: batches.length,
      meanBatch: round(passages / batches.length, 1),
      elapsedMs: round(elapsedMs),
      queriesPerJourney: round(queries / expected, 2),
      charges: Number(charges?.n),
      advances: Number(advances?.n),
      pairingFailures: failures,
      rounds: ctx.metrics.snapshot()['pairing.rounds'] ?? 0,
      batchesFailed: ctx.metrics.snapshot()['pairing.batch_failed'] ?? 0,
      oneByOne: Object.fromEntries(Object.entries(ctx.metrics.snapshot()).filter(([name]) => name.startsWith('pairing.one_by_one.')).map(([name, count]) => [name.slice('pairing.one_by_one.'.length), count])),
    };
  } finally {
    if (schema) await knex.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]).catch(() => {});
    await knex.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}
