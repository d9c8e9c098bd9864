import knexFactory from 'knex';
import { knexConfig, redactUrl } from '../../db/connect.js';
import { loadGatewayConfig } from '../config.js';
import { checkLedger } from './consistencyChecks.js';

/**
 * `npm run ledger:check`: prove the ledger's guarantees on the configured database (the same
 * DATABASE_URL / TURNPIKE_SQLITE_FILE the gateway uses). Prints one line per problem and exits 1;
 * prints a summary and exits 0 when there is none; exits 2 when it cannot check. Never migrates
 * or writes.
 */
async function main(): Promise<number> {
  const config = loadGatewayConfig();
  const knex = knexFactory(knexConfig({ databaseUrl: config.databaseUrl, sqliteFile: config.sqliteFile, schema: config.databaseSchema, poolMax: 2 }));
  const where = config.databaseUrl ? redactUrl(config.databaseUrl) : config.sqliteFile;
  try {
    const problems = await checkLedger(knex);
    for (const problem of problems) console.log(problem);
    if (problems.length) return 1;
    const [postings, entries, accounts] = await Promise.all(['postings', 'ledger_entries', 'accounts'].map((table) => knex(table).count({ count: '*' }).first()));
    console.log(`ledger ok on ${where}: ${Number(postings?.count)} postings, ${Number(entries?.count)} entries, ${Number(accounts?.count)} accounts balance`);
    return 0;
  } catch (error) {
    console.log(`CHECK_FAILED on ${where}: ${(error as Error).message}`);
    return 2;
  } finally {
    await knex.destroy();
  }
}

process.exitCode = await main();
