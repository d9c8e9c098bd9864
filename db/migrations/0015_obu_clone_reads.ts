import type { Knex } from 'knex';

// Cloned tags (docs/tolls.md, "Cloned tags"): toll passages the gateway attributes to a second
// vehicle carrying a copy of a registered tag. They are taken out of the account's trips and
// listed for review; the lane's own record of the passage (toll_passages) is never changed.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('obu_clone_reads', (table) => {
    table.text('passage_id').primary(); // a toll_passages id
    table.text('vehicle_token_id').notNullable();
    table.text('tag_id').notNullable();
    // The registered vehicle's read (nearest in time) that this one cannot be reconciled with.
    table.text('vehicle_read_id').notNullable();
    table.double('distance_km').notNullable();
    table.bigInteger('gap_ms').notNullable();
    table.double('speed_kmh'); // null: both reads at the same instant
    table.bigInteger('detected_at').notNullable();
    table.index(['vehicle_token_id']);
    table.index(['vehicle_read_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('obu_clone_reads');
}
