import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { createStaffUser } from '../gateway/access/staffUsers.js';
import { demoGatewayConfig, DemoNetwork } from '../demo/demoNetwork.js';
import { DEMO_SITES } from '../demo/network.js';
import { silentLogger } from '../lanes/log.js';
import { uuidv7 } from '../protocol/ids.js';
import { enrolRiders } from '../simulator/people/enrolRiders.js';
import { GateQueue } from '../simulator/people/gateQueue.js';
import { seededRandom } from '../simulator/random.js';
import { CHROMIUM, CHROMIUM_ARGS } from '../test/browser/chromium.js';
import { Traffic } from '../simulator/scenario/traffic.js';
import { shootRiderPages } from './riderScreenshots.js';

/**
 * `npx tsx docs/screenshots.ts`: runs the demo network (as `npm start` does, but on free ports
 * and in a temporary folder) with riders for TRAFFIC_MS, logs in to the operator console through
 * its form as the network's admin, and saves, for README.md and the docs:
 *   docs/images/live.png       the live page mid-traffic
 *   docs/images/deny-list.png  the deny list, after denying riders through its form
 *   docs/images/rider.png      a rider's page (console): money, travel and tokens
 * and the rider's own pages (docs/riderScreenshots.ts).
 * Needs Chromium at CHROMIUM.
 */
const TRAFFIC_MS = 20_000;
const VIEWPORT = { width: 1400, height: 1000 };
const IMAGES = join(dirname(fileURLToPath(import.meta.url)), 'images');

if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install it (Debian: apt-get install chromium)`);

async function save(page: Page, name: string): Promise<void> {
  const path = join(IMAGES, name);
  await page.screenshot({ path });
  console.log(`wrote ${path}`);
}

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
const browser = await chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, args: CHROMIUM_ARGS, viewport: VIEWPORT, locale: 'en-GB' });
try {
  await network.start();
  mkdirSync(IMAGES, { recursive: true });
  // Before the traffic starts, so the rider's own trips have the gates to themselves.
  await shootRiderPages(network, browser, IMAGES);
  const password = randomBytes(12).toString('base64url');
  await createStaffUser(network.gateway.knex, { username: 'admin', password, role: 'admin', operatorId: null }, { id: uuidv7(), now: Date.now() });
  const riders = await enrolRiders({ gatewayUrl: network.gateway.url, count: 60, topUpMinor: 5000, queue: new GateQueue(), frameShare: 0.05, random: seededRandom(7) });
  const page = await browser.newPage();
  await page.goto(`${network.gateway.url}/console`);
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(/\/console$/);
  traffic = new Traffic({ network: network.devices!, riders, journeysPerMinute: 120 });
  traffic.start();
  await new Promise((resolve) => setTimeout(resolve, TRAFFIC_MS));
  // Catch a moment with a denied scan on screen too, if one comes soon.
  await page.waitForSelector('.gate.deny', { timeout: 15_000 }).catch(() => {});
  mkdirSync(IMAGES, { recursive: true });
  await save(page, 'live.png');

  const nav = page.getByRole('navigation', { name: 'Console' });
  await nav.getByRole('link', { name: 'Deny list' }).click();
  for (const [rider, reason] of [[riders[3]!, 'LOST_PHONE'], [riders[11]!, 'FRAUD'], [riders[27]!, 'INVESTIGATION']] as const) {
    await page.getByLabel('Token or rider id').fill(rider.id);
    await page.getByLabel('Reason').fill(reason);
    await page.getByRole('button', { name: 'Add to the deny list' }).click();
    await page.waitForURL(/done=added/);
  }
  await save(page, 'deny-list.png');

  await page.goto(`${network.gateway.url}/console/riders/${riders[11]!.id}`);
  await save(page, 'rider.png');
  console.log(`traffic: ${JSON.stringify(traffic.counters)}`);
} finally {
  await browser.close();
  await traffic?.close();
  await network.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(profileDir, { recursive: true, force: true });
}
