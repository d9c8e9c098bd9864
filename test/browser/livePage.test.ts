import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import { SESSION_COOKIE } from '../../gateway/access/cookies.js';
import { demoMetroFareMatrix, DEMO_BUS_FLAT_FARE_MINOR } from '../../demo/network.js';
import { temporaryDir } from '../support/environment.js';
import { eventually, TestNetwork, type TestRider } from '../support/testNetwork.js';
import { launchChromium, skipWithoutChromium } from './chromium.js';

const LOCALE = 'en-US';

/** A fare as the page writes it for a reader in LOCALE. */
const money = (minor: number, currency = 'EUR') => new Intl.NumberFormat(LOCALE, { style: 'currency', currency }).format(minor / 100);

describe('the console live page, in a real browser', function () {
  this.timeout(60_000);
  let net: TestNetwork | undefined;
  let browser: BrowserContext | undefined;
  let page: Page;
  const profile = temporaryDir('turnpike-chromium-');
  const pageErrors: Error[] = [];
  let loads = 0;

  before(async function () {
    skipWithoutChromium(this);
    net = await new TestNetwork({ metroStations: 4, buses: 1, lane: { gateOpenForMs: 1000 } }).start();
    browser = await launchChromium(profile.path, { locale: LOCALE });
    page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(error));
    page.on('load', () => (loads += 1));
    // Signed in as the network's staff (the login form itself is used in test/browser/console.test.ts).
    await browser.addCookies([{ name: SESSION_COOKIE, value: net.adminToken!, url: net.gateway.url, httpOnly: true, sameSite: 'Strict' }]);
    await page.goto(`${net.gateway.url}/console`);
    await page.waitForFunction(() => document.getElementById('connection')?.textContent === 'live', undefined, { timeout: 10_000 });
  });

  after(async () => {
    await browser?.close();
    await net?.close();
    profile.remove();
  });

  afterEach(() => {
    assert.deepEqual(pageErrors.map(String), [], 'the page threw');
    assert.equal(loads, 1, 'the page updates itself: it was never reloaded');
  });

  /** The gate tile's class and spoken label, once its class matches `lit`. */
  async function gateLit(deviceId: string, lit: 'open' | 'deny'): Promise<{ label: string; otherGatesLit: string[] }> {
    await page.waitForFunction(([device, state]) => document.querySelector(`[data-device="${device}"]`)?.classList.contains(state), [deviceId, lit] as const, { timeout: 5000 });
    return page.evaluate((device) => {
      const gate = document.querySelector(`[data-device="${device}"]`)!;
      const others = [...gate.parentElement!.children].filter((node) => node !== gate && (node as HTMLElement).dataset.action);
      return { label: gate.getAttribute('aria-label') ?? '', otherGatesLit: others.map((node) => (node as HTMLElement).dataset.device!) };
    }, deviceId);
  }

  const lastDecisionAt = (siteId: string) => page.locator(`[id="site-${siteId}"] .last`).innerText();

  /** The journey's line in the feed, once the page has it. */
  async function journeyLine(journeyId: string): Promise<string> {
    const line = page.locator(`[data-journey-id="${journeyId}"]`);
    await line.waitFor({ timeout: 10_000 });
    return line.innerText();
  }

  async function pricedJourney(rider: TestRider) {
    return eventually(async () => {
      const { journeys } = await net!.getJson(`/api/riders/${rider.riderId}/journeys`);
      return journeys.length === 1 && journeys[0].status !== 'open' ? journeys[0] : undefined;
    }, 10_000, 'the journey to be priced');
  }

  it('when a rider taps in at one station and out at another, then the page lights each gate and lists the charged journey with its fare', async () => {
    const rider = await net!.rider(5000);
    const [from, to] = [net!.metro(0), net!.metro(3)];
    const [entryGate, exitGate] = [net!.gate(from, 1), net!.gate(to, 2)];

    const entry = await entryGate.scan({ code: rider.phone.code() }, 'entry');
    assert.equal(entry.command.action, 'open', `entry denied: ${entry.command.reason}`);
    const entryTile = await gateLit(entryGate.deviceId, 'open');
    assert.match(entryTile.label, /^G2 in · opened/);
    assert.deepEqual(entryTile.otherGatesLit, [], 'only the gate that decided lights up');
    assert.equal(await lastDecisionAt(from.id), 'G2 in · opened');
    await entryGate.walkThrough();

    const exit = await exitGate.scan({ code: rider.phone.code() }, 'exit');
    assert.equal(exit.command.action, 'open', `exit denied: ${exit.command.reason}`);
    assert.match((await gateLit(exitGate.deviceId, 'open')).label, /^G3 out · opened/);
    await exitGate.walkThrough();

    const journey = await pricedJourney(rider);
    const fare = demoMetroFareMatrix(net!.sites)[from.id][to.id];
    assert.equal(journey.fareMinor, fare);
    const line = await journeyLine(journey.id);
    assert.match(line, new RegExp(`^${from.name} → ${to.name}\\s+${money(fare).replace('.', '\\.')}\\s`));
    assert.match(line, /entry and exit/);
    await page.waitForFunction((expected) => document.getElementById('c-revenue')?.textContent === expected, money(fare));
    assert.equal(await page.locator('#c-journeys').innerText(), '1');
  });

  it('when a screenshot of an old code is scanned, then the gate turns red and its station says why', async () => {
    const rider = await net!.rider(5000);
    const site = net!.metro(1);
    const gate = net!.gate(site, 0);
    const answer = await gate.scan({ code: rider.phone.wallet.code(Date.now() - 120_000) }, 'entry');
    assert.deepEqual([answer.command.action, answer.command.reason], ['deny', 'CODE_STALE']);
    assert.match((await gateLit(gate.deviceId, 'deny')).label, /^G1 in · denied: code stale/);
    assert.equal(await lastDecisionAt(site.id), 'G1 in · ✕ code stale');
    await page.locator('#deny-reasons [data-reason="CODE_STALE"]').waitFor({ timeout: 5000 });
  });

  it("when the network's staff watch, then every lane has a row in the lanes table, current, and the devices table lists the gates", async () => {
    const laneIds = net!.sites.map((site) => site.id).sort();
    await page.waitForFunction((count) => document.querySelectorAll('#lanes tr[data-lane][data-state="current"]').length === count, laneIds.length, { timeout: 10_000 });
    assert.deepEqual(await page.locator('#lanes tr[data-lane]').evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.lane)), laneIds);
    const gates = net!.sites.flatMap((site) => site.deviceIds);
    await page.waitForFunction((count) => document.querySelectorAll('#devices tr[data-device-row]').length >= count, gates.length, { timeout: 10_000 });
    const listed = await page.locator('#devices tr[data-device-row]').evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.deviceRow));
    assert.deepEqual(gates.filter((gate) => !listed.includes(gate)), []);
  });

  it('when a rider boards a bus, then the validator lights and the boarding is listed at the flat fare', async () => {
    const rider = await net!.rider(5000);
    const bus = net!.bus(0);
    const answer = await net!.validator(bus).scan({ code: rider.phone.code() });
    assert.equal(answer.command.action, 'open');
    assert.match((await gateLit(bus.deviceIds[0], 'open')).label, /^validator · boarded/);
    const journey = await pricedJourney(rider);
    const line = await journeyLine(journey.id);
    assert.match(line, new RegExp(`^${bus.name.replace('#', '\\#')}\\s+${money(DEMO_BUS_FLAT_FARE_MINOR).replace('.', '\\.')}\\s`));
    assert.match(line, /boarded/);
    assert.equal(await page.locator('#c-journeys').innerText(), '2');
  });

  it('when a gate loses power and another reports a fault, then the devices table lists the offline gate first and names the fault', async () => {
    const site = net!.metro(2);
    const [faulty, dead] = [net!.gate(site, 2), net!.gate(site, 3)];
    await faulty.publishFault('FLAP_JAMMED', 'critical', 'left flap');
    dead.goOffline();
    // The broker sends the dead gate's last will; the lane's next report says so.
    await page.waitForFunction((device) => document.querySelector('#devices tbody tr')?.getAttribute('data-device-row') === device, dead.deviceId, { timeout: 10_000 });
    assert.equal(await page.locator('#devices tbody tr').first().getAttribute('data-state'), 'offline');
    await page.waitForFunction((device) => /FLAP_JAMMED \(critical\)/.test(document.querySelector(`#devices tr[data-device-row="${device}"]`)?.textContent ?? ''), faulty.deviceId, { timeout: 10_000 });
    assert.match(await page.locator('#device-summary').innerText(), /^\d+ devices: \d+ offline, \d+ online$/);
  });
});
