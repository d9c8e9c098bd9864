import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('issuer_keys', (table) => {
    table.integer('kid').primary(); // u16 in the credential format
    table.text('algorithm').notNullable();
    table.text('public_key').notNullable(); // raw, base64url
    // The private key is kept here for the embedded default only. Production keeps it in a
    // KMS/HSM and stores a reference instead; signing then goes through that service.
    table.text('private_key_pem').notNullable();
    table.bigInteger('valid_from_s').notNullable();
    table.bigInteger('valid_until_s').notNullable();
    table.bigInteger('created_at').notNullable();
    table.bigInteger('revoked_at');
  });
  await knex.schema.createTable('credentials_issued', (table) => {
    table.text('id').primary();
    table.text('rider_id').notNullable();
    table.text('phone_id').notNullable();
    table.text('token_id').notNullable();
    table.integer('key_id').notNullable();
    table.integer('fare_class').notNullable();
    table.bigInteger('offline_limit_minor').notNullable();
    table.bigInteger('valid_from_s').notNullable();
    table.bigInteger('valid_until_s').notNullable();
    table.bigInteger('issued_at').notNullable();
    table.index(['rider_id']);
  });
  // Append-only, versioned: lanes apply changes in version order (protocol/laneApi.ts).
  await knex.schema.createTable('trust_changes', (table) => {
    table.bigInteger('version').primary();
    table.text('kind').notNullable(); // key.add | key.revoke | deny.add | deny.remove
    table.text('payload').notNullable(); // the TrustChange as JSON
    table.bigInteger('at').notNullable();
  });
  await knex.schema.createTable('deny_list', (table) => {
    table.text('token_id').primary();
    table.text('reason').notNullable();
    table.bigInteger('added_at').notNullable();
    table.bigInteger('version').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('deny_list');
  await knex.schema.dropTable('trust_changes');
  await knex.schema.dropTable('credentials_issued');
  await knex.schema.dropTable('issuer_keys');
}
