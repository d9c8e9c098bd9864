import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import { seedDemoNetwork } from '../db/seeds/demoNetwork.js';
import { startSession } from '../gateway/access/sessions.js';
import { createStaffUser } from '../gateway/access/staffUsers.js';
import { gatewayConfig } from '../gateway/config.js';
import { Gateway } from '../gateway/gateway.js';
import { parseLaneConfig } from '../lanes/config.js';
import { MemoryHotStore } from '../lanes/hotstate/memoryHotStore.js';
import { LaneController } from '../lanes/laneController.js';
import { jsonLogger } from '../lanes/log.js';
import { uuidv7 } from '../protocol/ids.js';
import { BENCH_SITES } from './benchSites.js';
import { BENCH_TOLL_SITES, tollJournalFile } from './tollSites.js';

/**
 * One server side of the benchmark in its own process, as they run in service: the gateway (a
 * central server), the ten stations' lane controllers (station hardware), or the toll sites'
 * lane controllers (plaza and gantry hardware), never sharing an event loop. On the benchmark's Mosquitto, SQLite in the given folder, lanes' hot state shared
 * in their process.
 *
 * Talks to main.ts over stdio, one JSON object a line: it writes {"event":"ready",...} once
 * serving; "stats" on stdin answers {"event":"stats",...}; the end of stdin (or SIGTERM) closes
 * everything, so the process never outlives the benchmark.
 */
const [role, mqttUrl, dataDir, gatewayUrlArg] = process.argv.slice(2);
if ((role !== 'gateway' && role !== 'lanes' && role !== 'tolls') || !mqttUrl || !dataDir || (role !== 'gateway' && !gatewayUrlArg)) {
  console.error('usage: serverProcess.ts gateway <mqttUrl> <dataDir> | lanes|tolls <mqttUrl> <dataDir> <gatewayUrl>');
  process.exit(2);
}

const quietLogger = { ...jsonLogger(), info() {} };
const gateway = role === 'gateway' ? new Gateway({ config: gatewayConfig({ httpPort: 0, sqliteFile: join(dataDir, 'gateway.sqlite'), mqttUrl }) }) : undefined;
const hotStore = new MemoryHotStore({});
const lanes =
  role === 'lanes'
    ? BENCH_SITES.map(
        (site) =>
          new LaneController({
            config: parseLaneConfig({ siteId: site.id, mode: site.mode, gatewayUrl: gatewayUrlArg, mqttUrl, journalFile: join(dataDir, `lane-${site.id}.sqlite`) }),
            hotStore,
            logger: quietLogger,
          }),
      )
    : role === 'tolls'
      ? BENCH_TOLL_SITES.map(
          (site) =>
            new LaneController({
              config: parseLaneConfig({ siteId: site.id, mode: 'toll', tollSiteKind: site.kind, tollLanes: site.lanes, gatewayUrl: gatewayUrlArg, mqttUrl, journalFile: tollJournalFile(dataDir, site.id) }),
              hotStore,
              logger: quietLogger,
            }),
        )
      : [];
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
// The gateway's SQL by statement shape since the last "stats": where its time per passage goes.
const queries = new Map<string, number>();
const countQuery = (query: { sql?: string }) => {
  const shape = String(query.sql ?? '').replace(/\?(, \?)*/g, '?').slice(0, 90);
  queries.set(shape, (queries.get(shape) ?? 0) + 1);
};
let closing: Promise<void> | undefined;
let countingQueries = false;
let commands: ReturnType<typeof createInterface> | undefined;

function send(message: object): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

function stats(): object {
  const laneStats = lanes.map((lane) => lane.stats());
  const sum = (pick: (stats: (typeof laneStats)[number]) => number) => laneStats.reduce((total, stats) => total + pick(stats), 0);
  const deniedByReason: Record<string, number> = {};
  for (const lane of laneStats) for (const [reason, count] of Object.entries(lane.deniedByReason)) deniedByReason[reason] = (deniedByReason[reason] ?? 0) + count;
  const result = {
    event: 'stats',
    lanes: laneStats.length,
    opened: sum((s) => s.decisions.opened),
    denied: sum((s) => s.decisions.denied),
    passed: sum((s) => s.decisions.passed),
    timedOut: sum((s) => s.decisions.timedOut),
    expired: sum((s) => s.decisions.expired),
    deniedByReason,
    handlerErrors: sum((s) => s.handlerErrors),
    invalidMessages: sum((s) => s.invalidMessages),
    outboxBacklog: sum((s) => s.outboxBacklog),
    outboxSendFailures: sum((s) => s.outboxSendFailures),
    credentialCache: { hits: sum((s) => s.credentialCache.hits), misses: sum((s) => s.credentialCache.misses) },
    eventLoopDelayMs: { p50: loopDelay.percentile(50) / 1e6, p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 },
    cpu: process.cpuUsage(),
    gatewayQueries: {
      total: [...queries.values()].reduce((total, count) => total + count, 0),
      top: [...queries.entries()].sort(([, a], [, b]) => b - a).slice(0, 15).map(([sql, count]) => ({ sql, count })),
    },
  };
  loopDelay.reset();
  queries.clear();
  return result;
}

function close(): Promise<void> {
  closing ??= (async () => {
    loopDelay.disable();
    if (countingQueries) gateway?.knex.off('query', countQuery);
    commands?.close();
    process.stdin.destroy();
    for (const lane of lanes) await lane.close();
    await hotStore.close();
    await gateway?.close();
  })();
  return closing;
}

process.on('SIGTERM', () => void close());
process.on('SIGINT', () => void close());

let monitorToken: string | undefined;
try {
  if (gateway) {
    await gateway.start();
    await seedDemoNetwork(gateway.knex, BENCH_SITES);
    // The benchmark watches the live stream as the network's viewer would, through the access rules.
    const monitor = await createStaffUser(gateway.knex, { username: 'bench-monitor', password: randomBytes(18).toString('base64url'), role: 'viewer', operatorId: null }, { id: uuidv7(), now: Date.now(), costLog2: 10 });
    monitorToken = (await startSession(gateway.knex, { kind: 'staff', id: monitor.id }, { now: Date.now(), ttlS: 86_400 })).token;
    gateway.knex.on('query', countQuery);
    countingQueries = true;
  }
  for (const lane of lanes) await lane.start();
  loopDelay.enable();
  commands = createInterface({ input: process.stdin });
  commands.on('line', (line) => {
    if (line.trim() === 'stats') send(stats());
  });
  commands.on('close', () => void close());
  send({ event: 'ready', gatewayUrl: gateway?.url ?? gatewayUrlArg, lanes: lanes.length, monitorToken });
} catch (error) {
  console.error(`bench ${role} server: ${(error as Error).stack ?? String(error)}`);
  await close().catch(() => {});
  process.exitCode = 1;
}
