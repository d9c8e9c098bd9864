import type { Knex } from 'knex';

// Report rollups (docs/operations.md, "Reports"): sums kept as data arrives, in the same
// transaction as the rows they summarise, so a report reads a few thousand rollup rows instead of
// millions of journeys. Keys are the business day (YYYY-MM-DD, gateway businessTimeZone and
// businessDayCutoff) and the local hour of the instant, plus the dimensions reports group by;
// text keys are '' and tariff versions 0 where the row has none. `npm run reports:rebuild`
// recomputes every rollup but the lane denials from the raw tables. The journey rollups are
// striped (`shard`, 0-7): concurrent pairing transactions add to different rows of the same day
// instead of queueing on one, and reports sum the stripes.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('journeys', (table) => {
    // Granted refunds on the journey (disputes), so a journey's row says all a revenue rollup needs.
    table.bigInteger('refunded_minor').notNullable().defaultTo(0);
  });
  await knex.raw(`UPDATE journeys SET refunded_minor = COALESCE((
    SELECT -SUM(ledger_entries.amount_minor) FROM postings
    JOIN ledger_entries ON ledger_entries.posting_id = postings.id
    JOIN accounts ON accounts.id = ledger_entries.account_id
    WHERE postings.journey_id = journeys.id AND postings.kind = 'refund' AND accounts.kind = 'operator_revenue'), 0)`);

  const measures = (table: Knex.CreateTableBuilder, names: string[]) => {
    for (const name of names) table.bigInteger(name).notNullable().defaultTo(0);
  };
  // Revenue by day, tariff, mode and fare class: one row per combination a day has.
  await knex.schema.createTable('report_journeys_daily', (table) => {
    table.text('operator_id').notNullable();
    table.text('business_day').notNullable();
    table.text('mode').notNullable();
    table.text('status').notNullable();
    table.integer('fare_class').notNullable();
    table.integer('tariff_version').notNullable();
    table.integer('shard').notNullable().defaultTo(0);
    measures(table, ['journeys', 'fare_minor', 'charged_minor', 'refunded_minor']);
    table.primary(['operator_id', 'business_day', 'mode', 'status', 'fare_class', 'tariff_version', 'shard']);
  });
  // Journeys by hour and station (the entry station, else the exit station).
  await knex.schema.createTable('report_journeys_hourly', (table) => {
    table.text('operator_id').notNullable();
    table.text('business_day').notNullable();
    table.integer('hour').notNullable();
    table.text('station_id').notNullable();
    table.text('mode').notNullable();
    table.text('status').notNullable();
    table.integer('shard').notNullable().defaultTo(0);
    measures(table, ['journeys', 'fare_minor', 'charged_minor', 'refunded_minor']);
    table.primary(['operator_id', 'business_day', 'hour', 'station_id', 'mode', 'status', 'shard']);
  });
  // Gate and toll passages by hour, site and direction; the operator is the site's.
  await knex.schema.createTable('report_passages_hourly', (table) => {
    table.text('business_day').notNullable();
    table.text('station_id').notNullable();
    table.integer('hour').notNullable();
    table.text('mode').notNullable();
    table.text('direction').notNullable();
    measures(table, ['passages']);
    table.primary(['business_day', 'station_id', 'hour', 'mode', 'direction']);
  });
  // Deny reasons (kind 'deny', from lane reports) and lane exceptions (kind 'exception', from passages).
  await knex.schema.createTable('report_lane_events_hourly', (table) => {
    table.text('business_day').notNullable();
    table.text('station_id').notNullable();
    table.integer('hour').notNullable();
    table.text('mode').notNullable();
    table.text('kind').notNullable();
    table.text('code').notNullable();
    measures(table, ['events']);
    table.primary(['business_day', 'station_id', 'hour', 'mode', 'kind', 'code']);
  });
  // The deny counters of each lane's latest counted report: the next report adds what grew since.
  await knex.schema.createTable('report_lane_counters', (table) => {
    table.text('lane_id').primary();
    table.bigInteger('counters_since');
    table.bigInteger('lane_ts').notNullable();
    table.text('denied_by_reason').notNullable(); // JSON {reason: count}
  });
  // How the rollups were last built: a change of business time zone or cut-off needs a rebuild.
  await knex.schema.createTable('report_rollup_state', (table) => {
    table.text('id').primary();
    table.text('business_time_zone').notNullable();
    table.text('business_day_cutoff').notNullable();
    table.bigInteger('built_at').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['report_rollup_state', 'report_lane_counters', 'report_lane_events_hourly', 'report_passages_hourly', 'report_journeys_hourly', 'report_journeys_daily']) {
    await knex.schema.dropTable(table);
  }
  await knex.schema.alterTable('journeys', (table) => {
    table.dropColumn('refunded_minor');
  });
}
