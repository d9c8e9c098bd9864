import type { Knex } from 'knex';
import { openDatabase } from '../db/connect.js';
import { createStaffUser } from '../gateway/access/staffUsers.js';
import { loadGatewayConfig } from '../gateway/config.js';
import { GatewayError } from '../gateway/errors.js';
import { uuidv7 } from '../protocol/ids.js';

const USAGE = 'usage: npm run staff -- add <username> <viewer|supervisor|admin> [operatorId]   (password from TURNPIKE_STAFF_PASSWORD)\n       npm run staff -- disable <username>';

/**
 * `npm run staff`: add or disable an operator's staff login on the configured database (the
 * gateway's DATABASE_URL / TURNPIKE_SQLITE_FILE). The password comes from the environment, never
 * the command line, so it stays out of shell history. Prints one line; exits 1 on bad input.
 */
async function main(args: string[]): Promise<number> {
  const [command, username, role, operatorId] = args;
  if (command !== 'add' && command !== 'disable') return fail(USAGE);
  if (!username) return fail(USAGE);
  const config = loadGatewayConfig();
  let knex: Knex;
  try {
    knex = await openDatabase({ databaseUrl: config.databaseUrl, sqliteFile: config.sqliteFile, schema: config.databaseSchema, poolMax: 1 });
  } catch (error) {
    return fail(`FAILED: ${(error as Error).message}`);
  }
  try {
    if (command === 'disable') {
      const changed = await knex('staff_users').where({ username: username.toLowerCase() }).whereNull('disabled_at').update({ disabled_at: Date.now() });
      if (!changed) return fail(`STAFF_USER_NOT_FOUND: no active staff user ${username}`);
      await knex('sessions').where({ subject_kind: 'staff' }).whereIn('subject_id', knex('staff_users').select('id').where({ username: username.toLowerCase() })).whereNull('ended_at').update({ ended_at: Date.now() });
      console.log(`disabled ${username}; their sessions are ended`);
      return 0;
    }
    const password = process.env.TURNPIKE_STAFF_PASSWORD;
    if (!password) return fail('set TURNPIKE_STAFF_PASSWORD to the new user\'s password (at least 12 characters)');
    const user = await createStaffUser(knex, { username, password, role: role as 'viewer', operatorId: operatorId ?? null }, { id: uuidv7(), now: Date.now(), costLog2: config.passwordCostLog2 });
    console.log(`added ${user.username}: ${user.role} of ${user.operatorId ?? 'the network (every operator)'}`);
    return 0;
  } catch (error) {
    if (error instanceof GatewayError) return fail(`${error.code}: ${error.message}`);
    if (error instanceof Error && error.name === 'ZodError') return fail(`VALIDATION_FAILED: ${(error as unknown as { issues: Array<{ path: unknown[]; message: string }> }).issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
    return fail(`FAILED: ${(error as Error).message}`);
  } finally {
    await knex.destroy();
  }
}

function fail(line: string): number {
  console.error(line);
  return 1;
}

process.exitCode = await main(process.argv.slice(2));
