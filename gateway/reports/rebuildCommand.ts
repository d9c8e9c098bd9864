import { openDatabase, redactUrl } from '../../db/connect.js';
import { loadGatewayConfig } from '../config.js';
import { rebuildRollups } from './rebuildRollups.js';

/**
 * `npm run reports:rebuild`: recompute the report rollups from the raw tables of the configured
 * database (the same DATABASE_URL / TURNPIKE_SQLITE_FILE the gateway uses), for the configured
 * business time zone and cut-off. Exits 0 when done, 2 when it cannot.
 */
async function main(): Promise<number> {
  const config = loadGatewayConfig();
  const where = config.databaseUrl ? redactUrl(config.databaseUrl) : config.sqliteFile;
  const knex = await openDatabase({ databaseUrl: config.databaseUrl, sqliteFile: config.sqliteFile, schema: config.databaseSchema, poolMax: 2 });
  try {
    const summary = await rebuildRollups(knex, config, { nowMs: Date.now() });
    console.log(`report rollups rebuilt on ${where} (${config.businessTimeZone}, day ends ${config.businessDayCutoff}): ${summary.groups} groups read, ${summary.cells} rollup rows written in ${summary.elapsedMs} ms`);
    return 0;
  } catch (error) {
    console.log(`REBUILD_FAILED on ${where}: ${(error as Error).message}`);
    return 2;
  } finally {
    await knex.destroy();
  }
}

process.exitCode = await main();
