import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('riders', (table) => {
    table.text('id').primary();
    table.text('name').notNullable();
    table.text('email');
    table.text('status').notNullable().defaultTo('active'); // active | in_arrears
    table.text('currency').notNullable();
    table.bigInteger('pay_later_limit_minor').notNullable();
    table.integer('fare_class').notNullable().defaultTo(0);
    table.bigInteger('created_at').notNullable();
  });
  await knex.schema.createTable('phones', (table) => {
    table.text('id').primary();
    table.text('rider_id').notNullable().references('riders.id');
    table.text('algorithm').notNullable();
    table.text('public_key').notNullable(); // raw, base64url
    table.bigInteger('created_at').notNullable();
    table.index(['rider_id']);
  });
  // One pseudonymous token per phone enrolment: what credentials and passages carry, never
  // the rider id.
  await knex.schema.createTable('tokens', (table) => {
    table.text('id').primary(); // 32 lowercase hex characters
    table.text('phone_id').notNullable().references('phones.id');
    table.text('rider_id').notNullable().references('riders.id');
    table.bigInteger('created_at').notNullable();
    table.index(['rider_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('tokens');
  await knex.schema.dropTable('phones');
  await knex.schema.dropTable('riders');
}
