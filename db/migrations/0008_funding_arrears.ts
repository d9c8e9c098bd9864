import type { Knex } from 'knex';

// Funding a rider's travel (credit score, family payer and the notices it receives) and the
// arrears cycle shared by riders and drivers: one record per advanced charge, one event per
// state change. Ledger money stays in postings; these tables hold state and history.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('riders', (table) => {
    table.integer('credit_score');
    table.bigInteger('credit_scored_at');
  });
  await knex.schema.createTable('family_links', (table) => {
    table.text('member_rider_id').primary();
    table.text('payer_rider_id').notNullable();
    table.bigInteger('monthly_limit_minor').notNullable();
    table.bigInteger('created_at').notNullable();
    table.index(['payer_rider_id']);
  });
  await knex.schema.createTable('payer_notices', (table) => {
    table.text('id').primary();
    table.text('payer_rider_id').notNullable();
    table.text('member_rider_id').notNullable();
    table.text('posting_id').notNullable();
    table.text('journey_id');
    table.text('kind').notNullable(); // charge_paid | refund
    table.bigInteger('amount_minor').notNullable(); // signed: a refund to the payer is negative
    table.text('currency').notNullable();
    table.text('month').notNullable(); // YYYY-MM (UTC) the limit counts against
    table.text('message').notNullable();
    table.bigInteger('created_at').notNullable();
    table.unique(['posting_id', 'payer_rider_id']);
    table.index(['payer_rider_id', 'created_at']);
    table.index(['member_rider_id', 'payer_rider_id', 'month']);
  });
  await knex.schema.createTable('arrears', (table) => {
    table.text('id').primary();
    table.text('owner_kind').notNullable(); // rider (drivers share the cycle)
    table.text('owner_id').notNullable();
    table.text('account_id').notNullable(); // the debtor's account that repays
    table.text('posting_id').notNullable().unique(); // the charge that was advanced
    table.text('journey_id');
    table.text('currency').notNullable();
    table.bigInteger('advanced_minor').notNullable();
    table.bigInteger('repaid_minor').notNullable().defaultTo(0);
    table.bigInteger('waived_minor').notNullable().defaultTo(0); // given back by refunds and corrections
    table.text('state').notNullable(); // advanced | in_grace | deny_listed | settled
    table.integer('retries').notNullable().defaultTo(0);
    table.bigInteger('advanced_at').notNullable();
    table.bigInteger('grace_ends_at').notNullable();
    table.bigInteger('next_retry_at').notNullable();
    table.bigInteger('settled_at');
    table.bigInteger('updated_at').notNullable();
    table.index(['owner_id', 'state']);
    table.index(['state', 'next_retry_at']);
  });
  await knex.schema.createTable('arrears_events', (table) => {
    table.increments('id');
    table.text('arrears_id').notNullable();
    table.text('owner_id').notNullable();
    table.bigInteger('at').notNullable();
    table.text('from_state');
    table.text('to_state').notNullable();
    table.text('reason').notNullable();
    table.text('posting_id');
    table.bigInteger('amount_minor');
    table.index(['owner_id', 'at']);
    table.index(['arrears_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('arrears_events');
  await knex.schema.dropTable('arrears');
  await knex.schema.dropTable('payer_notices');
  await knex.schema.dropTable('family_links');
  await knex.schema.alterTable('riders', (table) => {
    table.dropColumn('credit_scored_at');
    table.dropColumn('credit_score');
  });
}
