import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { openDatabase } from '../../db/connect.js';
import { EmbeddedBroker } from '../../runtime/embeddedBroker.js';

/**
 * Which services the suite runs against. Unset: the embedded defaults (SQLite in a temporary
 * folder, aedes on a free loopback port, in-process hot state). Set DATABASE_URL, REDIS_URL and
 * MQTT_URL to run the same tests against PostgreSQL, Redis and Mosquitto.
 */
export const services = Object.freeze({
  databaseUrl: process.env.DATABASE_URL || undefined,
  redisUrl: process.env.REDIS_URL || undefined,
  mqttUrl: process.env.MQTT_URL || undefined,
});

export const modeName = services.databaseUrl ? 'services' : 'embedded';

export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

export function temporaryDir(prefix = 'turnpike-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface TestBroker {
  url: string;
  close(): Promise<void>;
}

/** The broker under test: MQTT_URL if set, else a fresh aedes on a free port. */
export async function startTestBroker(): Promise<TestBroker> {
  if (services.mqttUrl) return { url: services.mqttUrl, close: async () => {} };
  const broker = await new EmbeddedBroker(0).start();
  return { url: broker.url, close: () => broker.close() };
}

export interface TestDatabase {
  knex: Knex;
  /** What a separate process needs to open the same database. */
  databaseUrl?: string;
  schema?: string;
  sqliteFile: string;
  close(): Promise<void>;
}

/** A migrated, empty database: its own PostgreSQL schema, or its own SQLite file. */
export async function openTestDatabase(): Promise<TestDatabase> {
  const dir = temporaryDir('turnpike-db-');
  const sqliteFile = join(dir.path, 'gateway.sqlite');
  const schema = services.databaseUrl ? `t_${uniqueSuffix()}` : undefined;
  const knex = await openDatabase({ databaseUrl: services.databaseUrl, sqliteFile, schema });
  return {
    knex,
    databaseUrl: services.databaseUrl,
    schema,
    sqliteFile,
    async close() {
      if (schema) await knex.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
      await knex.destroy();
      dir.remove();
    },
  };
}

/** A key prefix no other test uses, so tests can share one Redis. */
export function uniqueRedisPrefix(): string {
  return `tptest:${uniqueSuffix()}:`;
}
