// For the knex CLI (`npm run migrate`). The processes themselves open the database through
// db/connect.ts with their parsed configuration.
import { knexConfig } from './db/connect.js';

const databaseUrl = process.env.DATABASE_URL;
export default knexConfig({ databaseUrl, sqliteFile: process.env.TURNPIKE_SQLITE_FILE ?? 'data/gateway.sqlite' });
