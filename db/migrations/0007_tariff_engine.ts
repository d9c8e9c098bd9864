import type { Knex } from 'knex';

// The tariff engine (gateway/tariffs/): each journey keeps how its fare was computed
// (fare_breakdown, JSON of gateway/tariffs/fareBreakdown.ts) and the fare class it was priced
// for. Tariffs stored in the first format ({kind: 'matrix' | 'flat', ...}) are rewritten to the
// engine's ({timeZone, fare: {kind, ...}, incomplete: {rule}}), pricing the same fares.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('journeys', (table) => {
    table.text('fare_breakdown');
    table.integer('fare_class').notNullable().defaultTo(0);
  });
  const rows: Array<{ id: string; data: string }> = await knex('tariffs').select('id', 'data');
  for (const row of rows) {
    const data = JSON.parse(row.data) as Record<string, unknown>;
    if (data.fare !== undefined) continue;
    const fare = data.kind === 'flat' ? { kind: 'flat', fareMinor: data.fareMinor } : { kind: 'matrix', fares: data.fares };
    await knex('tariffs').where({ id: row.id }).update({ data: JSON.stringify({ timeZone: 'UTC', fare, incomplete: { rule: 'max_fare' } }) });
  }
}

export async function down(knex: Knex): Promise<void> {
  const rows: Array<{ id: string; data: string }> = await knex('tariffs').select('id', 'data');
  for (const row of rows) {
    const data = JSON.parse(row.data) as { fare?: { kind: string; fareMinor?: number; fares?: unknown } };
    if (data.fare?.kind === 'flat') await knex('tariffs').where({ id: row.id }).update({ data: JSON.stringify({ kind: 'flat', fareMinor: data.fare.fareMinor }) });
    else if (data.fare?.kind === 'matrix') await knex('tariffs').where({ id: row.id }).update({ data: JSON.stringify({ kind: 'matrix', fares: data.fare.fares, incomplete: 'max_fare' }) });
  }
  await knex.schema.alterTable('journeys', (table) => {
    table.dropColumn('fare_class');
    table.dropColumn('fare_breakdown');
  });
}
