import type { Knex } from 'knex';

// Double-entry, append-only: every posting's entries sum to zero; corrections are new postings.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('accounts', (table) => {
    table.text('id').primary(); // kind:owner:currency
    table.text('kind').notNullable(); // rider_wallet | operator_revenue | external_funding
    table.text('owner_id').notNullable();
    table.text('currency').notNullable();
    table.unique(['kind', 'owner_id', 'currency']);
  });
  await knex.schema.createTable('postings', (table) => {
    table.text('id').primary();
    table.text('idempotency_key').notNullable().unique();
    table.text('kind').notNullable(); // charge | adjust | topup
    table.text('journey_id');
    table.text('rider_id');
    table.text('operator_id');
    table.text('currency').notNullable();
    table.bigInteger('created_at').notNullable();
    table.text('description').notNullable();
    table.index(['rider_id', 'created_at']);
    table.index(['operator_id', 'created_at']);
  });
  await knex.schema.createTable('ledger_entries', (table) => {
    table.increments('id');
    table.text('posting_id').notNullable().references('postings.id');
    table.text('account_id').notNullable().references('accounts.id');
    table.bigInteger('amount_minor').notNullable(); // signed
    table.index(['account_id']);
    table.index(['posting_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('ledger_entries');
  await knex.schema.dropTable('postings');
  await knex.schema.dropTable('accounts');
}
