import type { Knex } from 'knex';

// The latest report of each lane controller (POST /api/lane/v1/status).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('lane_reports', (table) => {
    table.text('lane_id').primary();
    table.text('station_id').notNullable();
    table.text('mode').notNullable();
    table.bigInteger('reported_at').notNullable();
    table.text('report').notNullable(); // LaneReport as JSON
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('lane_reports');
}
