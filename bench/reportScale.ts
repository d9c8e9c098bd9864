import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import knexFactory, { type Knex } from 'knex';
import { openDatabase, redactUrl } from '../db/connect.js';
import { startSession } from '../gateway/access/sessions.js';
import { createStaffUser, findStaffByUsername } from '../gateway/access/staffUsers.js';
import { gatewayConfig } from '../gateway/config.js';
import { Gateway } from '../gateway/gateway.js';
import { rebuildRollups } from '../gateway/reports/rebuildRollups.js';
import { uuidv7 } from '../protocol/ids.js';
import { REPORT_MONTH, seededJourneys, seedReportJourneys } from './reportSeed.js';
import { round, summarise } from './stats.js';

export interface ReportScaleOptions {
  databaseUrl: string;
  journeys: number;
  requests: number;
  log: (text: string) => void;
}

export type ReportScaleResult =
  | { skipped: string }
  | {
      skipped?: undefined;
      database: string;
      schema: string;
      journeys: number;
      reusedSeed: boolean;
      seedMs: number;
      rebuildMs: number;
      rollupRows: number;
      /** GET .../reports/revenue?groupBy=day over the month, through the gateway's HTTP API. */
      dailyRevenueMs: ReturnType<typeof summarise>;
      /** The same figures as one group-by over the journeys table, for comparison. */
      rawGroupByMs: number;
      /** GET .../reports/traffic?groupBy=station over the month (the hourly rollup). */
      trafficByStationMs: ReturnType<typeof summarise>;
    };

const SCHEMA = 'bench_reports';

async function reachable(databaseUrl: string): Promise<string | undefined> {
  const probe = knexFactory({ client: 'pg', connection: { connectionString: databaseUrl, connectionTimeoutMillis: 3000 }, pool: { min: 0, max: 1 } });
  try {
    await probe.raw('SELECT 1');
    return undefined;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await probe.destroy();
  }
}

/** A viewer of the metro (created once in the bench schema) and a session of theirs. */
async function benchViewerToken(knex: Knex): Promise<string> {
  const username = 'bench-metro-viewer';
  const user = (await findStaffByUsername(knex, username)) ?? (await createStaffUser(knex, { username, password: randomBytes(18).toString('base64url'), role: 'viewer', operatorId: 'metro' }, { id: uuidv7(), now: Date.now(), costLog2: 10 }));
  return (await startSession(knex, { kind: 'staff', id: user.id }, { now: Date.now(), ttlS: 3600 })).token;
}

async function timeRequests(url: string, token: string, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count + 2; i += 1) {
    const startedAt = performance.now();
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    const body = (await response.json()) as { rows?: unknown[] };
    if (response.status !== 200 || !body.rows) throw new Error(`report bench: ${url} answered ${response.status}: ${JSON.stringify(body).slice(0, 300)}`);
    if (i >= 2) times.push(performance.now() - startedAt); // two warm-up requests
  }
  return times;
}

/**
 * report_10m_ms: the daily revenue report over a month of `journeys` journeys in PostgreSQL
 * (schema bench_reports, seeded once and reused while it holds the same count), rollups built by
 * the rebuild the gateway itself uses, timed over HTTP against a real gateway on that schema.
 */
export async function measureReportScale(options: ReportScaleOptions): Promise<ReportScaleResult> {
  const unreachable = await reachable(options.databaseUrl);
  if (unreachable) return { skipped: `PostgreSQL at ${redactUrl(options.databaseUrl)} is not reachable (${unreachable})` };
  let knex = await openDatabase({ databaseUrl: options.databaseUrl, sqliteFile: ':memory:', schema: SCHEMA, poolMax: 4 });
  const config = gatewayConfig({ httpPort: 0, databaseUrl: options.databaseUrl, databaseSchema: SCHEMA, sweepIntervalMs: 0 });
  let gateway: Gateway | undefined;
  try {
    const reusedSeed = (await seededJourneys(knex)) === options.journeys;
    let seedMs = 0;
    let rebuildMs = 0;
    if (!reusedSeed) {
      options.log(`  seeding ${options.journeys.toLocaleString('en-US')} journeys into schema ${SCHEMA} (reused by later runs)`);
      await knex.destroy();
      const admin = knexFactory({ client: 'pg', connection: options.databaseUrl, pool: { min: 0, max: 1 } });
      await admin.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [SCHEMA]).finally(() => admin.destroy());
      knex = await openDatabase({ databaseUrl: options.databaseUrl, sqliteFile: ':memory:', schema: SCHEMA, poolMax: 4 });
      const seedStarted = performance.now();
      await seedReportJourneys(knex, options.journeys, options.log);
      seedMs = performance.now() - seedStarted;
      const rebuild = await rebuildRollups(knex, config, { nowMs: Date.now() });
      rebuildMs = rebuild.elapsedMs;
      options.log(`  seeded in ${round(seedMs / 1000, 1)} s; rollups rebuilt in ${round(rebuildMs / 1000, 1)} s (${rebuild.cells} rollup rows)`);
    }
    const rollupRows = Number((await knex('report_journeys_daily').count({ n: '*' }).first())?.n) + Number((await knex('report_journeys_hourly').count({ n: '*' }).first())?.n);

    gateway = await new Gateway({ config, knex }).start();
    // Asked as the metro's own viewer would, through the access rules.
    const token = await benchViewerToken(knex);
    const period = `from=${REPORT_MONTH.from}&to=${REPORT_MONTH.to}`;
    const dailyRevenue = await timeRequests(`${gateway.url}/api/operators/metro/reports/revenue?${period}&groupBy=day`, token, options.requests);
    const trafficByStation = await timeRequests(`${gateway.url}/api/operators/metro/reports/traffic?${period}&groupBy=station`, token, options.requests);

    const rawStarted = performance.now();
    await knex.raw(
      `SELECT ((to_timestamp(started_at / 1000.0) AT TIME ZONE ?) - CAST(? AS interval))::date AS day,
         count(*) FILTER (WHERE status IN ('complete', 'no_exit', 'no_entry')) AS journeys, sum(fare_minor) FILTER (WHERE status IN ('complete', 'no_exit', 'no_entry')) AS fares,
         sum(charged_minor) AS charged, sum(refunded_minor) AS refunded
       FROM journeys WHERE operator_id = 'metro' AND started_at >= ? AND started_at < ? GROUP BY 1 ORDER BY 1`,
      [config.businessTimeZone, config.businessDayCutoff, REPORT_MONTH.startMs, REPORT_MONTH.startMs + REPORT_MONTH.days * 86_400_000 + 86_400_000],
    );
    const rawGroupByMs = performance.now() - rawStarted;
    return {
      database: redactUrl(options.databaseUrl),
      schema: SCHEMA,
      journeys: options.journeys,
      reusedSeed,
      seedMs: round(seedMs),
      rebuildMs,
      rollupRows,
      dailyRevenueMs: summarise(dailyRevenue),
      rawGroupByMs: round(rawGroupByMs),
      trafficByStationMs: summarise(trafficByStation),
    };
  } finally {
    await gateway?.close();
    await knex.destroy();
  }
}
