import type { Knex } from 'knex';

// Settlement (docs/operations.md, "Settlement"): what each lane says it journaled per business
// day (its journal-day reports, sent in parts), and the statements supervisors close. A closed
// statement, its lines and its exceptions are append-only: the database refuses to change or
// remove them, whatever code runs against it (as 0010 does for the ledger).
const FROZEN = ['settlement_statements', 'settlement_lines', 'settlement_exceptions'];

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('lane_journal_parts', (table) => {
    table.text('lane_id').notNullable();
    table.text('day').notNullable();
    table.text('digest').notNullable();
    table.integer('part').notNullable();
    table.integer('parts').notNullable();
    table.text('header').notNullable(); // JSON: JournalDayHeader plus stationId and mode
    table.text('ranges').notNullable(); // JSON [[first, last], ...]
    table.text('ids').notNullable(); // JSON string[]
    table.text('fingerprints').notNullable(); // JSON string[]
    table.bigInteger('received_at').notNullable();
    table.primary(['lane_id', 'day', 'digest', 'part']);
  });
  await knex.schema.createTable('lane_journal_days', (table) => {
    table.text('lane_id').notNullable();
    table.text('day').notNullable();
    table.text('station_id').notNullable();
    table.text('mode').notNullable();
    table.bigInteger('from_ms').notNullable();
    table.bigInteger('to_ms').notNullable();
    table.integer('count').notNullable();
    table.bigInteger('last_seq').notNullable();
    table.text('digest').notNullable(); // its parts are the lane_journal_parts of this digest
    table.bigInteger('completed_at').notNullable();
    table.primary(['lane_id', 'day']);
    table.index(['day', 'station_id'], 'lane_journal_days_day_station');
  });
  await knex.schema.createTable('settlement_statements', (table) => {
    table.text('id').primary();
    table.text('operator_id').notNullable();
    table.text('day').notNullable();
    table.bigInteger('from_ms').notNullable();
    table.bigInteger('to_ms').notNullable();
    table.text('currency').notNullable();
    table.bigInteger('closed_at').notNullable();
    table.text('closed_by');
    table.bigInteger('passages').notNullable();
    table.bigInteger('net_minor').notNullable();
    table.integer('exceptions').notNullable();
    table.text('totals').notNullable(); // JSON SettlementTotals
    table.text('digest').notNullable(); // SHA-256 of the statement as closed (gateway/settlement/statementDigest.ts)
    table.unique(['operator_id', 'day']);
  });
  await knex.schema.createTable('settlement_lines', (table) => {
    table.text('statement_id').notNullable().references('settlement_statements.id');
    table.integer('line_no').notNullable();
    table.text('section').notNullable(); // passages | charges | lanes
    table.text('lane_id');
    table.text('data').notNullable(); // JSON of the line
    table.primary(['statement_id', 'line_no']);
  });
  await knex.schema.createTable('settlement_exceptions', (table) => {
    table.text('statement_id').notNullable().references('settlement_statements.id');
    table.integer('line_no').notNullable();
    table.text('code').notNullable();
    table.text('lane_id').notNullable();
    table.bigInteger('lane_seq');
    table.bigInteger('lane_seq_to');
    table.text('passage_id');
    table.text('related_passage_id');
    table.text('detail').notNullable();
    table.primary(['statement_id', 'line_no']);
  });
  // Settlement reads a station's passages of a business day; toll passages have this index already.
  await knex.schema.alterTable('passages', (table) => table.index(['station_id', 'passed_at'], 'passages_station_passed_at'));

  if (knex.client.config.client === 'pg') {
    await knex.raw(`CREATE OR REPLACE FUNCTION settlement_closed() RETURNS trigger AS $$
      BEGIN RAISE EXCEPTION 'SETTLEMENT_CLOSED: % on % is refused', TG_OP, TG_TABLE_NAME; END; $$ LANGUAGE plpgsql`);
    for (const table of FROZEN) {
      await knex.raw(`CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION settlement_closed()`);
      await knex.raw(`CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION settlement_closed()`);
    }
    return;
  }
  for (const table of FROZEN) {
    for (const op of ['UPDATE', 'DELETE']) {
      await knex.raw(`CREATE TRIGGER ${table}_no_${op.toLowerCase()} BEFORE ${op} ON ${table} BEGIN SELECT RAISE(ABORT, 'SETTLEMENT_CLOSED: ${op} on ${table} is refused'); END`);
    }
  }
}

export async function down(knex: Knex): Promise<void> {
  if (knex.client.config.client === 'pg') {
    for (const table of FROZEN) {
      await knex.raw(`DROP TRIGGER IF EXISTS ${table}_append_only ON ${table}`);
      await knex.raw(`DROP TRIGGER IF EXISTS ${table}_no_truncate ON ${table}`);
    }
    await knex.raw('DROP FUNCTION IF EXISTS settlement_closed()');
  } else {
    for (const table of FROZEN) for (const op of ['update', 'delete']) await knex.raw(`DROP TRIGGER IF EXISTS ${table}_no_${op}`);
  }
  await knex.schema.alterTable('passages', (table) => table.dropIndex(['station_id', 'passed_at'], 'passages_station_passed_at'));
  await knex.schema.dropTable('settlement_exceptions');
  await knex.schema.dropTable('settlement_lines');
  await knex.schema.dropTable('settlement_statements');
  await knex.schema.dropTable('lane_journal_days');
  await knex.schema.dropTable('lane_journal_parts');
}
