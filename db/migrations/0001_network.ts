import type { Knex } from 'knex';

// Operators, their sites (metro stations, buses) and versioned tariffs. Money in bigint minor
// units, times in bigint Unix milliseconds, ids as text: the same on SQLite and PostgreSQL.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('operators', (table) => {
    table.text('id').primary();
    table.text('name').notNullable();
    table.text('mode').notNullable();
    table.text('currency').notNullable();
  });
  await knex.schema.createTable('sites', (table) => {
    table.text('id').primary();
    table.text('operator_id').notNullable().references('operators.id');
    table.text('name').notNullable();
    table.text('mode').notNullable();
    table.text('line').notNullable();
    table.integer('order').notNullable();
    table.text('device_ids').notNullable().defaultTo('[]');
  });
  await knex.schema.createTable('tariffs', (table) => {
    table.text('id').primary();
    table.text('operator_id').notNullable().references('operators.id');
    table.integer('version').notNullable();
    table.bigInteger('effective_from').notNullable();
    table.text('currency').notNullable();
    // JSON (gateway/network/tariff.ts): a station matrix or a flat fare, plus the max-fare rule.
    table.text('data').notNullable();
    table.unique(['operator_id', 'version']);
    table.index(['operator_id', 'effective_from']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('tariffs');
  await knex.schema.dropTable('sites');
  await knex.schema.dropTable('operators');
}
