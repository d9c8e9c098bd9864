import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import { staffSession, type TestStaff } from '../support/access.js';
import { temporaryDir } from '../support/environment.js';
import { eventually, TestNetwork } from '../support/testNetwork.js';
import { launchChromium, logInThroughForm, skipWithoutChromium } from './chromium.js';


/**
 * The operator console as its staff use it, in headless Chromium against a whole network (lanes,
 * simulated gates, broker, gateway): log in through the form, watch a lane's counters move while
 * riders pass, deny a rider's token through the deny-list form and see the gate refuse it, and
 * find the change in the audit log.
 */
describe('the operator console, in a real browser', function () {
  this.timeout(90_000);
  let net: TestNetwork | undefined;
  let browser: BrowserContext | undefined;
  let page: Page;
  let supervisor: TestStaff;
  const profile = temporaryDir('turnpike-chromium-');
  const pageErrors: Error[] = [];

  before(async function () {
    skipWithoutChromium(this);
    net = await new TestNetwork({ metroStations: 3, buses: 1, lane: { gateOpenForMs: 1000 } }).start();
    supervisor = await staffSession(net.gateway.knex, { role: 'supervisor', operatorId: 'metro' });
    browser = await launchChromium(profile.path);
    page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(error));
  });

  after(async () => {
    await browser?.close();
    await net?.close();
    profile.remove();
  });

  afterEach(() => assert.deepEqual(pageErrors.map(String), [], 'the page threw'));

  const laneCell = (laneId: string, cell: string) => page.locator(`#lanes tr[data-lane="${laneId}"] .${cell}`);

  it('when a supervisor logs in through the form, then the live page shows only their operator and the lane counters move as riders pass', async () => {
    await page.goto(`${net!.gateway.url}/console`);
    assert.match(page.url(), /\/login\?next=%2Fconsole$/, 'sent to log in first');
    await logInThroughForm(page, supervisor, /\/console$/);
    await page.waitForFunction(() => document.getElementById('connection')?.textContent === 'live', undefined, { timeout: 10_000 });
    assert.match(await page.locator('header .who').innerText(), new RegExp(`${supervisor.username} · supervisor · metro`));
    // The bus is another operator's: no card, no lane row.
    assert.equal(await page.locator(`[id="site-${net!.bus(0).id}"]`).count(), 0);
    const site = net!.metro(0);
    await laneCell(site.id, 'rate').waitFor({ timeout: 10_000 });
    assert.equal(await page.locator(`#lanes tr[data-lane="${net!.bus(0).id}"]`).count(), 0);
    assert.equal(await laneCell(site.id, 'state').innerText(), 'current');
    const before = Number(await laneCell(site.id, 'rate').innerText());
    const gate = net!.gate(site, 0);
    for (let i = 0; i < 3; i++) {
      const rider = await net!.rider(5000, `Rider ${i}`);
      const answer = await gate.scan({ code: rider.phone.code() }, 'entry');
      assert.equal(answer.command.action, 'open', `denied: ${answer.command.reason}`);
      await gate.walkThrough();
    }
    // The lane's next reports (every 250 ms here) carry the decisions of its last minute.
    await page.waitForFunction(([selector, least]) => Number(document.querySelector(selector)?.textContent) >= least, [`#lanes tr[data-lane="${site.id}"] .rate`, before + 3] as const, { timeout: 10_000 });
    await page.waitForFunction((selector) => / · 3$/.test(document.querySelector(selector)?.textContent ?? ''), `#lanes tr[data-lane="${site.id}"] .counts`, { timeout: 10_000 });
    assert.match(await laneCell(site.id, 'latency').innerText(), /^\d+(\.\d)? ms \/ \d+(\.\d)? ms$/);
    // Forwarded to the gateway, the passages leave the lane's outbox.
    await page.waitForFunction((selector) => document.querySelector(selector)?.textContent === '0', `#lanes tr[data-lane="${site.id}"] .outbox`, { timeout: 10_000 });
    // Each simulated gate announced itself (its retained online status): the devices table lists it.
    await page.locator(`#devices tr[data-device-row="${gate.deviceId}"][data-state="online"]`).waitFor({ timeout: 10_000 });
  });

  it("when the supervisor denies a rider's token through the deny-list form, then the gate refuses the rider and the audit page shows who did it", async () => {
    const site = net!.metro(1);
    const rider = await net!.rider(5000, 'Lost Phone');
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Deny list' }).click();
    await page.waitForURL(/\/console\/deny-list$/);
    await page.getByLabel('Token or rider id').fill(rider.tokenId);
    await page.getByLabel('Reason').fill('LOST_PHONE');
    await page.getByRole('button', { name: 'Add to the deny list' }).click();
    await page.waitForURL(/\/console\/deny-list\?done=added/);
    assert.match(await page.locator('.notice').innerText(), /lanes refuse the token within seconds/);
    // The rider has not travelled with the metro yet: its staff do not see who it is.
    assert.match(await page.locator(`tr[data-token="${rider.tokenId}"]`).innerText(), /phone of not one of your riders\s+LOST_PHONE/);

    await eventually(() => net!.lane(site).trust.isDenied(rider.tokenId), 10_000, 'the lane to learn the denial');
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Live' }).click();
    await page.waitForFunction(() => document.getElementById('connection')?.textContent === 'live', undefined, { timeout: 10_000 });
    const gate = net!.gate(site, 1);
    const answer = await gate.scan({ code: rider.phone.code() }, 'entry');
    assert.deepEqual([answer.command.action, answer.command.reason], ['deny', 'TOKEN_DENIED']);
    await page.waitForFunction((device) => document.querySelector(`.gate[data-device="${device}"]`)?.classList.contains('deny'), gate.deviceId, { timeout: 5000 });
    assert.match((await page.locator(`.gate[data-device="${gate.deviceId}"]`).getAttribute('aria-label')) ?? '', /denied: token denied/);

    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Audit' }).click();
    await page.waitForURL(/\/console\/audit$/);
    const change = page.locator('table.audit tbody tr', { hasText: 'POST /console/deny-list' }).first();
    const text = await change.innerText();
    assert.match(text, new RegExp(supervisor.username));
    assert.match(text, /metro/);
    assert.match(text, new RegExp(`target\\s+${rider.tokenId}`));
    assert.match(text, /done/);
  });
});
