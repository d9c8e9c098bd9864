import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('passages', (table) => {
    table.text('id').primary(); // the lane's passage id
    table.text('lane_id').notNullable();
    table.bigInteger('lane_seq').notNullable();
    table.text('station_id').notNullable();
    table.text('device_id').notNullable();
    table.text('mode').notNullable();
    table.text('direction').notNullable();
    table.text('token_id').notNullable();
    table.integer('key_id').notNullable();
    table.integer('fare_class').notNullable();
    table.bigInteger('decided_at').notNullable();
    table.bigInteger('passed_at').notNullable();
    table.bigInteger('received_at').notNullable();
    table.boolean('tailgate').notNullable();
    table.boolean('trust_stale').notNullable();
    table.text('journey_id');
    table.unique(['lane_id', 'lane_seq']);
    table.index(['token_id', 'passed_at']);
    table.index(['journey_id']);
  });
  await knex.schema.createTable('journeys', (table) => {
    table.text('id').primary(); // derived from the passage that anchors it
    table.text('token_id').notNullable();
    table.text('rider_id');
    table.text('mode').notNullable();
    table.text('operator_id');
    table.text('status').notNullable(); // open | complete | no_exit | no_entry | void
    table.text('entry_passage_id');
    table.text('exit_passage_id');
    table.text('entry_station_id');
    table.text('exit_station_id');
    table.bigInteger('started_at').notNullable();
    table.bigInteger('ended_at');
    table.bigInteger('fare_minor').notNullable();
    table.text('currency').notNullable();
    table.text('fare_rule').notNullable();
    table.integer('tariff_version');
    table.bigInteger('charged_minor').notNullable().defaultTo(0);
    table.integer('revision').notNullable().defaultTo(1);
    table.bigInteger('updated_at').notNullable();
    table.index(['token_id', 'started_at']);
    table.index(['rider_id', 'started_at']);
    table.index(['operator_id', 'started_at']);
    table.index(['status', 'started_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('journeys');
  await knex.schema.dropTable('passages');
}
