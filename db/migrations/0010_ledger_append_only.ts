import type { Knex } from 'knex';

// The ledger is append-only (design.md section 6): the database itself refuses to change or
// remove a posting or an entry, whatever code runs against it. Corrections are new postings.
const TABLES = ['postings', 'ledger_entries'];

export async function up(knex: Knex): Promise<void> {
  if (knex.client.config.client === 'pg') {
    await knex.raw(`CREATE OR REPLACE FUNCTION ledger_append_only() RETURNS trigger AS $$
      BEGIN RAISE EXCEPTION 'LEDGER_APPEND_ONLY: % on % is refused', TG_OP, TG_TABLE_NAME; END; $$ LANGUAGE plpgsql`);
    for (const table of TABLES) {
      await knex.raw(`CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION ledger_append_only()`);
      await knex.raw(`CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only()`);
    }
    return;
  }
  for (const table of TABLES) {
    for (const op of ['UPDATE', 'DELETE']) {
      await knex.raw(`CREATE TRIGGER ${table}_no_${op.toLowerCase()} BEFORE ${op} ON ${table} BEGIN SELECT RAISE(ABORT, 'LEDGER_APPEND_ONLY: ${op} on ${table} is refused'); END`);
    }
  }
}

export async function down(knex: Knex): Promise<void> {
  if (knex.client.config.client === 'pg') {
    for (const table of TABLES) {
      await knex.raw(`DROP TRIGGER IF EXISTS ${table}_append_only ON ${table}`);
      await knex.raw(`DROP TRIGGER IF EXISTS ${table}_no_truncate ON ${table}`);
    }
    await knex.raw('DROP FUNCTION IF EXISTS ledger_append_only()');
    return;
  }
  for (const table of TABLES) for (const op of ['update', 'delete']) await knex.raw(`DROP TRIGGER IF EXISTS ${table}_no_${op}`);
}
