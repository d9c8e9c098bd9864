import type { Knex } from 'knex';
import { seedDemoNetwork } from '../db/seeds/demoNetwork.js';

/** The month report_10m_ms reads: 30 business days of Europe/Paris, journeys spread evenly over it. */
export const REPORT_MONTH = { from: '2026-03-01', to: '2026-03-30', startMs: Date.UTC(2026, 2, 1, 3, 30), days: 30 };
/** Bump when the seeded rows change, so an older seeded schema is rebuilt instead of reused. */
const SEED_VERSION = 'journeys-v1';
const BATCH = 1_000_000;

/** What a schema already holds, from the marker the seeding leaves (undefined: nothing usable). */
export async function seededJourneys(knex: Knex): Promise<number | undefined> {
  const exists = await knex.schema.hasTable('bench_report_seed');
  if (!exists) return undefined;
  const row = await knex('bench_report_seed').where({ version: SEED_VERSION }).first('journeys');
  return row ? Number(row.journeys) : undefined;
}

/**
 * Seed `count` journeys into PostgreSQL with INSERT ... SELECT over generate_series, a million
 * rows a statement: metro and bus journeys of the demo operators (8 metro stations, 3 buses),
 * statuses in service proportions (90 % complete, 4 % no exit, 2 % no entry, 3 % void, 1 % open),
 * five fare classes, tariff version 1 then 2 from mid-month, one in 200 refunded in part. The
 * secondary indexes of journeys are dropped for the load and built again after it.
 */
export async function seedReportJourneys(knex: Knex, count: number, log: (text: string) => void): Promise<void> {
  await seedDemoNetwork(knex);
  const spanMs = REPORT_MONTH.days * 86_400_000;
  const indexes = ['journeys_token_id_started_at_index', 'journeys_rider_id_started_at_index', 'journeys_operator_id_started_at_index', 'journeys_status_started_at_index'];
  for (const index of indexes) await knex.raw('DROP INDEX IF EXISTS ??', [index]);
  for (let low = 1; low <= count; low += BATCH) {
    const high = Math.min(count, low + BATCH - 1);
    await knex.raw(
      `INSERT INTO journeys (id, token_id, rider_id, mode, operator_id, status, entry_passage_id, exit_passage_id, entry_station_id, exit_station_id,
         started_at, ended_at, fare_minor, currency, fare_rule, tariff_version, charged_minor, revision, updated_at, fare_class, refunded_minor)
       SELECT 'bench-' || g, lpad(to_hex(g % 400000), 32, '0'), NULL, mode, mode, status,
         CASE WHEN status = 'no_entry' THEN NULL ELSE 'p-in-' || g END, CASE WHEN status IN ('open', 'no_exit') THEN NULL ELSE 'p-out-' || g END,
         CASE WHEN status = 'no_entry' THEN NULL WHEN mode = 'bus' THEN 'B42-' || (1 + g % 3) ELSE 'M1-0' || (1 + g % 8) END,
         CASE WHEN status IN ('open', 'no_exit') OR mode = 'bus' THEN NULL ELSE 'M1-0' || (1 + (g / 8) % 8) END,
         started, started + 1200000, fare, 'EUR', 'bench', CASE WHEN started < ? THEN 1 ELSE 2 END,
         CASE WHEN status IN ('complete', 'no_exit', 'no_entry') THEN fare ELSE 0 END, 1, started + 1200000, (h / 7) % 5,
         CASE WHEN status = 'complete' AND h % 200 = 0 THEN fare / 2 ELSE 0 END
       FROM (
         SELECT g, h, ? + (g * ?::bigint) / ? AS started,
           CASE WHEN g % 10 < 8 THEN 'metro' ELSE 'bus' END AS mode,
           CASE WHEN h % 100 < 90 THEN 'complete' WHEN h % 100 < 94 THEN 'no_exit' WHEN h % 100 < 96 THEN 'no_entry' WHEN h % 100 < 99 THEN 'void' ELSE 'open' END AS status,
           CASE WHEN g % 10 < 8 THEN 180 + 40 * (h % 8) ELSE 150 END AS fare
         FROM (SELECT g, (g * 2654435761) % 1000003 AS h FROM generate_series(?::bigint, ?::bigint) AS g) AS numbered
       ) AS journey`,
      [REPORT_MONTH.startMs + spanMs / 2, REPORT_MONTH.startMs, spanMs, count, low, high],
    );
    log(`  seeded ${high.toLocaleString('en-US')} of ${count.toLocaleString('en-US')} journeys`);
  }
  await knex.schema.alterTable('journeys', (table) => {
    table.index(['token_id', 'started_at']);
    table.index(['rider_id', 'started_at']);
    table.index(['operator_id', 'started_at']);
    table.index(['status', 'started_at']);
  });
  await knex.raw('ANALYZE journeys');
  await knex.schema.createTable('bench_report_seed', (table) => {
    table.text('version').primary();
    table.bigInteger('journeys').notNullable();
  });
  await knex('bench_report_seed').insert({ version: SEED_VERSION, journeys: count });
}
