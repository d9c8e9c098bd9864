import type { Knex } from 'knex';

// Who may do what: operator staff with a role, riders' web logins, sessions (cookie or bearer;
// only a hash of each token is stored), and the audit log of changes, logins and refusals.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('staff_users', (table) => {
    table.text('id').primary();
    table.text('username').notNullable().unique();
    table.text('operator_id'); // null: the network's own staff, who see every operator
    table.text('role').notNullable(); // viewer | supervisor | admin
    table.text('password_hash').notNullable();
    table.bigInteger('created_at').notNullable();
    table.bigInteger('disabled_at');
  });
  await knex.schema.createTable('rider_logins', (table) => {
    table.text('email').primary(); // lower case
    table.text('rider_id').notNullable().unique();
    table.text('password_hash').notNullable();
    table.bigInteger('created_at').notNullable();
  });
  await knex.schema.createTable('sessions', (table) => {
    table.text('token_hash').primary(); // SHA-256 of the token, base64url
    table.text('subject_kind').notNullable(); // staff | rider
    table.text('subject_id').notNullable();
    table.text('csrf_token').notNullable();
    table.bigInteger('created_at').notNullable();
    table.bigInteger('expires_at').notNullable();
    table.bigInteger('ended_at');
    table.index(['subject_kind', 'subject_id']);
  });
  await knex.schema.createTable('audit_log', (table) => {
    table.bigIncrements('id');
    table.bigInteger('at').notNullable();
    table.text('actor_kind').notNullable(); // staff | rider | anonymous
    table.text('actor_id');
    table.text('actor_name');
    table.text('operator_id'); // the operator the actor belongs to or acted on, when known
    table.text('action').notNullable(); // e.g. "POST /api/deny-list", login.failed, access.refused
    table.text('target');
    table.text('outcome').notNullable(); // done | refused
    table.text('source'); // hash of the client address (rate limits), never the address itself
    table.text('detail'); // JSON
    table.index(['at']);
    table.index(['operator_id', 'at']);
    table.index(['action', 'target', 'at']);
    table.index(['action', 'source', 'at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const name of ['audit_log', 'sessions', 'rider_logins', 'staff_users']) await knex.schema.dropTableIfExists(name);
}
