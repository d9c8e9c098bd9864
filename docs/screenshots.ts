import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { demoGatewayConfig, DemoNetwork } from '../demo/demoNetwork.js';
import { DEMO_SITES } from '../demo/network.js';
import { silentLogger } from '../lanes/log.js';
import { enrolRiders } from '../simulator/people/enrolRiders.js';
import { GateQueue } from '../simulator/people/gateQueue.js';
import { seededRandom } from '../simulator/random.js';
import { Traffic } from '../simulator/scenario/traffic.js';

/**
 * `npx tsx docs/screenshots.ts`: runs the demo network (as `npm start` does, but on free ports
 * and in a temporary folder) with riders for TRAFFIC_MS, then saves docs/images/live.png, the
 * live page mid-traffic, and docs/images/report-revenue.png, the metro's revenue by station so far
 * today, for README.md and the docs. Needs Chromium at CHROMIUM.
 */
const TRAFFIC_MS = 20_000;
const VIEWPORT = { width: 1400, height: 900 };
const CHROMIUM = '/usr/bin/chromium';
const OUTPUT = join(dirname(fileURLToPath(import.meta.url)), 'images', 'live.png');
const REPORT_OUTPUT = join(dirname(fileURLToPath(import.meta.url)), 'images', 'report-revenue.png');

/** Flags for a headless Chromium on a machine without outside network access. */
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install it (Debian: apt-get install chromium)`);

const dataDir = mkdtempSync(join(tmpdir(), 'turnpike-screenshots-'));
const profileDir = mkdtempSync(join(tmpdir(), 'turnpike-chromium-'));
const network = new DemoNetwork({
  sites: DEMO_SITES,
  brokerPort: 0,
  // Ignore the environment: the embedded defaults, whatever the shell has set.
  gateway: demoGatewayConfig({}, { httpPort: 0, sqliteFile: join(dataDir, 'gateway.sqlite') }),
  dataDir,
  laneLogger: silentLogger,
  lane: { statusIntervalMs: 2000 },
});
let traffic: Traffic | undefined;
// A fresh profile each run: nothing carried over from an earlier run.
const browser = await chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, args: CHROMIUM_ARGS, viewport: VIEWPORT });
try {
  await network.start();
  const riders = await enrolRiders({ gatewayUrl: network.gateway.url, count: 60, topUpMinor: 5000, queue: new GateQueue(), frameShare: 0.05, random: seededRandom(7) });
  const page = await browser.newPage();
  await page.goto(`${network.gateway.url}/`);
  traffic = new Traffic({ network: network.devices!, riders, journeysPerMinute: 120 });
  traffic.start();
  await new Promise((resolve) => setTimeout(resolve, TRAFFIC_MS));
  // Catch a moment with a denied scan on screen too, if one comes soon.
  await page.waitForSelector('.gate.deny', { timeout: 15_000 }).catch(() => {});
  mkdirSync(dirname(OUTPUT), { recursive: true });
  await page.screenshot({ path: OUTPUT });
  console.log(`wrote ${OUTPUT} (${JSON.stringify(traffic.counters)})`);
  const report = await browser.newPage();
  await report.goto(`${network.gateway.url}/console/reports/revenue?operator=metro&groupBy=station`);
  await report.screenshot({ path: REPORT_OUTPUT, fullPage: true });
  console.log(`wrote ${REPORT_OUTPUT}`);
} finally {
  await browser.close();
  await traffic?.close();
  await network.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(profileDir, { recursive: true, force: true });
}
