import type { Knex } from 'knex';

// What an invoice names about the seller, per operator. A table of its own rather than columns
// on operators: operators are inserted by seeds and the operator API after migrations run, and
// an operator without a row here still gets receipts (its name, VAT 0) until one is added.
const DEMO_BILLING = [
  { operator_id: 'metro', legal_name: 'City Metro Transit Authority', address: 'Station Square 1, 10115 Harbour City', tax_id: 'EU123456789', vat_rate_bp: 1000, invoice_prefix: 'MET' },
  { operator_id: 'bus', legal_name: 'City Buses Ltd', address: 'Depot Road 12, 10117 Harbour City', tax_id: 'EU987654321', vat_rate_bp: 1000, invoice_prefix: 'BUS' },
];

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('operator_billing', (table) => {
    table.text('operator_id').primary();
    table.text('legal_name').notNullable();
    table.text('address').notNullable();
    table.text('tax_id').notNullable();
    table.integer('vat_rate_bp').notNullable(); // VAT included in fares, basis points (1000 = 10 %)
    table.text('invoice_prefix').notNullable().unique();
  });
  await knex('operator_billing').insert(DEMO_BILLING);
  await knex.schema.createTable('invoice_counters', (table) => {
    table.text('operator_id').primary();
    table.bigInteger('last_seq').notNullable();
  });
  await knex.schema.createTable('invoices', (table) => {
    table.text('id').primary();
    table.text('number').notNullable().unique();
    table.text('operator_id').notNullable();
    table.bigInteger('seq').notNullable();
    table.text('rider_id').notNullable();
    table.text('scope').notNullable(); // day | month | charges
    table.text('period');
    table.text('currency').notNullable();
    table.bigInteger('gross_minor').notNullable();
    table.bigInteger('tax_minor').notNullable();
    table.integer('vat_rate_bp').notNullable();
    table.text('seller').notNullable(); // JSON snapshot: what the invoice said when issued
    table.text('buyer').notNullable(); // JSON snapshot
    table.bigInteger('issued_at').notNullable();
    table.unique(['operator_id', 'seq']);
    table.index(['rider_id', 'issued_at']);
  });
  await knex.schema.createTable('invoice_lines', (table) => {
    table.increments('id');
    table.text('invoice_id').notNullable().references('invoices.id');
    table.text('posting_id').notNullable().unique(); // no charge is invoiced twice
    table.text('journey_id');
    table.text('description').notNullable();
    table.bigInteger('posted_at').notNullable();
    table.bigInteger('gross_minor').notNullable();
    table.bigInteger('tax_minor').notNullable();
    table.index(['invoice_id']);
  });
  await knex.schema.createTable('disputes', (table) => {
    table.text('id').primary();
    table.text('rider_id').notNullable();
    table.text('posting_id').notNullable(); // the charge disputed
    table.text('journey_id');
    table.text('operator_id').notNullable();
    table.text('currency').notNullable();
    table.text('reason').notNullable();
    table.text('state').notNullable(); // open | granted | rejected
    table.bigInteger('granted_minor');
    table.text('decision_note');
    table.text('refund_posting_id');
    table.bigInteger('opened_at').notNullable();
    table.bigInteger('decided_at');
    table.index(['rider_id', 'opened_at']);
    table.index(['operator_id', 'state']);
    table.index(['posting_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('disputes');
  await knex.schema.dropTable('invoice_lines');
  await knex.schema.dropTable('invoices');
  await knex.schema.dropTable('invoice_counters');
  await knex.schema.dropTable('operator_billing');
}
