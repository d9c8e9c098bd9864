import { createInterface } from 'node:readline';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import { seedDemoNetwork } from '../db/seeds/demoNetwork.js';
import { DemoNetwork } from '../demo/demoNetwork.js';
import { gatewayConfig } from '../gateway/config.js';
import { jsonLogger } from '../lanes/log.js';
import { BENCH_SITES } from './benchSites.js';

/**
 * The server side of the benchmark, in its own process (its own core), as a station's lane
 * controllers and the gateway would run apart from the gates: a DemoNetwork without devices on
 * the benchmark's Mosquitto, SQLite in the given folder, hot state in this process.
 *
 * Talks to main.ts over stdio, one JSON object a line: it writes {"event":"ready",...} once
 * serving; "stats" on stdin answers {"event":"stats",...}; the end of stdin (or SIGTERM) closes
 * everything, so the process never outlives the benchmark.
 */
const [mqttUrl, dataDir] = process.argv.slice(2);
if (!mqttUrl || !dataDir) {
  console.error('usage: serverProcess.ts <mqttUrl> <dataDir>');
  process.exit(2);
}

const quietLogger = { ...jsonLogger(), info() {} };
const network = new DemoNetwork({
  sites: BENCH_SITES,
  mqttUrl,
  brokerPort: 0,
  gateway: gatewayConfig({ httpPort: 0, sqliteFile: join(dataDir, 'gateway.sqlite') }),
  dataDir,
  devices: false,
  laneLogger: quietLogger,
});
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
  const lanes = [...network.lanes.values()].map((lane) => lane.stats());
  const sum = (pick: (stats: (typeof lanes)[number]) => number) => lanes.reduce((total, stats) => total + pick(stats), 0);
  const deniedByReason: Record<string, number> = {};
  for (const lane of lanes) for (const [reason, count] of Object.entries(lane.deniedByReason)) deniedByReason[reason] = (deniedByReason[reason] ?? 0) + count;
  const result = {
    event: 'stats',
    lanes: lanes.length,
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
    if (countingQueries) network.gateway.knex.off('query', countQuery);
    commands?.close();
    process.stdin.destroy();
    await network.close();
  })();
  return closing;
}

process.on('SIGTERM', () => void close());
process.on('SIGINT', () => void close());

try {
  await network.start();
  await seedDemoNetwork(network.gateway.knex, BENCH_SITES);
  network.gateway.knex.on('query', countQuery);
  countingQueries = true;
  loopDelay.enable();
  commands = createInterface({ input: process.stdin });
  commands.on('line', (line) => {
    if (line.trim() === 'stats') send(stats());
  });
  commands.on('close', () => void close());
  send({ event: 'ready', gatewayUrl: network.gateway.url, lanes: network.lanes.size });
} catch (error) {
  console.error(`bench server: ${(error as Error).stack ?? String(error)}`);
  await close().catch(() => {});
  process.exitCode = 1;
}
