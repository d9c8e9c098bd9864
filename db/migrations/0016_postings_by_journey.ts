import type { Knex } from 'knex';

// Pairing reads a journey's postings on every charge: which journeys were charged before, what
// each account paid on one (a refund, money given back). Without this index each of those reads
// scanned the whole postings table, a cost that grew with every charge ever taken.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('postings', (table) => table.index(['journey_id', 'kind'], 'postings_journey_kind'));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('postings', (table) => table.dropIndex(['journey_id', 'kind'], 'postings_journey_kind'));
}
