import type { Knex } from 'knex';

// Toll roads (docs/tolls.md): sites learn their kind (plaza or gantry) and position; riders
// register vehicles, each with its own token (the credential lanes map tags and plates to);
// lanes forward toll passages. Toll trips are journeys (mode 'toll'), so charges, receipts,
// disputes and the arrears cycle treat them as they treat rides.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sites', (table) => {
    table.text('site_kind'); // plaza | gantry for toll sites; null for transit
    table.double('position_km');
  });
  await knex.schema.createTable('vehicles', (table) => {
    table.text('id').primary();
    table.text('rider_id').notNullable().references('riders.id');
    table.text('token_id').notNullable().unique(); // 32 lowercase hex, like a phone's token
    table.text('plate').notNullable();
    table.text('plate_colour').notNullable();
    table.text('vehicle_class').notNullable();
    table.text('tag_id');
    // Set while the vehicle is registered, null once removed: unique among registered vehicles,
    // while a removed vehicle keeps its row (its passages and trips still name its token).
    table.text('active_plate').unique();
    table.text('active_tag').unique();
    table.bigInteger('created_at').notNullable();
    table.bigInteger('updated_at').notNullable();
    table.bigInteger('removed_at');
    table.index(['rider_id']);
  });
  await knex.schema.createTable('toll_passages', (table) => {
    table.text('id').primary();
    table.text('lane_id').notNullable();
    table.bigInteger('lane_seq').notNullable();
    table.text('station_id').notNullable();
    table.text('lane').notNullable();
    table.text('site_kind').notNullable();
    table.text('direction').notNullable();
    table.text('token_id');
    table.text('tag_id');
    table.text('plate');
    table.text('plate_colour');
    table.double('plate_confidence');
    table.text('image_ref');
    table.text('vehicle_class').notNullable();
    table.text('declared_class');
    table.text('entry'); // JSON {site, at} or null
    table.text('exceptions').notNullable(); // JSON array of TOLL_EXCEPTIONS codes
    table.text('action').notNullable();
    table.bigInteger('decided_at').notNullable();
    table.bigInteger('passed_at').notNullable();
    table.boolean('trust_stale').notNullable();
    table.bigInteger('received_at').notNullable();
    // Derived at ingest: the vehicle token the passage is charged to (the lane's tokenId, else
    // the registered tag, else the registered plate); null when no account has the vehicle.
    table.text('vehicle_token_id');
    table.text('trip_id'); // the journey it belongs to
    table.unique(['lane_id', 'lane_seq']);
    table.index(['vehicle_token_id', 'passed_at']);
    table.index(['trip_id']);
    table.index(['station_id', 'passed_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('toll_passages');
  await knex.schema.dropTable('vehicles');
  await knex.schema.alterTable('sites', (table) => {
    table.dropColumn('position_km');
    table.dropColumn('site_kind');
  });
}
