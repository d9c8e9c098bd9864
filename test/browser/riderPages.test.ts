import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import { demoMetroFareMatrix } from '../../demo/network.js';
import type { CameraFrame } from '../../protocol/messages.js';
import { temporaryDir } from '../support/environment.js';
import { eventually, TestNetwork } from '../support/testNetwork.js';
import { launchChromium, skipWithoutChromium } from './chromium.js';

const LOCALE = 'en-US';
const REFRESH_S = 2;
const EMAIL = 'ada@example.org';
const PASSWORD = 'a long enough password';

const money = (minor: number) => new Intl.NumberFormat(LOCALE, { style: 'currency', currency: 'EUR' }).format(minor / 100);
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('the rider pages, in a real browser acting as the phone', function () {
  this.timeout(90_000);
  let net: TestNetwork | undefined;
  let browser: BrowserContext | undefined;
  let page: Page;
  const profile = temporaryDir('turnpike-chromium-');
  const problems: string[] = [];
  let riderId: string;
  let phoneId: string;

  before(async function () {
    skipWithoutChromium(this);
    net = await new TestNetwork({ metroStations: 4, buses: 1, gateway: { rideCodeRefreshS: REFRESH_S } }).start();
    browser = await launchChromium(profile.path, { locale: LOCALE, width: 1200 });
    page = await browser.newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    // A Content-Security-Policy violation (an inline script or style) is reported on the console.
    page.on('console', (message) => message.type() === 'error' && !message.text().startsWith('Failed to load resource') && problems.push(`console: ${message.text()}`));
    // Every request the pages make succeeds (a browser asks for /favicon.ico on its own; there is none).
    page.on('response', (response) => response.status() >= 400 && !response.url().endsWith('/favicon.ico') && problems.push(`${response.status()} ${response.request().method()} ${response.url()}`));
  });

  after(async () => {
    await browser?.close();
    await net?.close();
    profile.remove();
  });

  afterEach(() => assert.deepEqual(problems, [], 'the pages ran without errors'));

  /** The code on the screen now, once the page has signed one after `counter`. */
  async function codeAfter(counter: number): Promise<{ code: string; counter: number }> {
    await page.waitForFunction((last) => Number(document.getElementById('ride-code')?.dataset.counter ?? 0) > last, counter, { timeout: 15_000 });
    return page.evaluate(() => {
      const section = document.getElementById('ride-code')!;
      return { code: section.dataset.code!, counter: Number(section.dataset.counter) };
    });
  }

  /** What a gate's camera sees: the QR code as drawn on the screen, in gray, as a camera frame. */
  async function cameraFrame(): Promise<CameraFrame> {
    const image = page.locator('#ride-code-qr');
    await page.waitForFunction(() => {
      const img = document.getElementById('ride-code-qr') as HTMLImageElement;
      return img.complete && img.naturalWidth > 0;
    });
    const png = (await image.screenshot()).toString('base64');
    return page.evaluate(async (base64) => {
      const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
      const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const context = canvas.getContext('2d')!;
      context.drawImage(bitmap, 0, 0);
      const rgba = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
      let gray = '';
      for (let i = 0; i < rgba.length; i += 4) gray += String.fromCharCode(Math.round(0.299 * rgba[i] + 0.587 * rgba[i + 1] + 0.114 * rgba[i + 2]));
      return { width: bitmap.width, height: bitmap.height, format: 'gray8' as const, data: btoa(gray) };
    }, png);
  }

  it('when someone signs up and tops up through the pages, then the balance shows on their page', async () => {
    await page.goto(`${net!.gateway.url}/me/login`);
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByLabel('Name').fill('Ada Lovelace');
    await page.getByLabel('E-mail address').fill(EMAIL);
    await page.getByLabel(/^Password/).fill(PASSWORD);
    await page.getByRole('button', { name: 'Create my account' }).click();
    await page.waitForURL(/\/me$/);
    riderId = (await page.locator('#ride-code').getAttribute('data-rider-id'))!;
    assert.match(riderId, /^[0-9a-f-]{36}$/);

    await page.getByRole('link', { name: 'Balance and arrears' }).click();
    await page.getByLabel('Amount (EUR)').fill('20.00');
    await page.getByRole('button', { name: 'Top up' }).click();
    await page.waitForURL(/done=topup/);
    assert.equal(await page.getByRole('status').innerText(), 'Topped up. Anything you owed was repaid from it at once.');
    assert.equal(await page.locator('#balance').innerText(), '€20.00');
  });

  it('when the ride code page opens, then this browser is enrolled as a phone with a key it cannot export, and it signs a fresh code every refresh', async () => {
    await page.getByRole('link', { name: 'Ride code' }).click();
    const first = await codeAfter(0);
    assert.match(first.code, /^TP1\.[A-Za-z0-9_-]{276}$/);
    await page.getByRole('status').filter({ hasText: 'Show this code at the gate.' }).waitFor();
    assert.equal(await page.locator('#credential-limit').innerText(), money(3000), 'balance and pay-later line, capped at maxOfflineLimitMinor');
    assert.notEqual(await page.locator('#credential-until').innerText(), '–');
    const stored = await page.evaluate(async ([id, store]) => {
      const { loadPhone } = await import(store);
      const phone = await loadPhone(id);
      return { phoneId: phone.phoneId, extractable: phone.privateKey.extractable, algorithm: phone.privateKey.algorithm.name, type: phone.privateKey.type };
    }, [riderId, '/phoneStore.js']);
    assert.deepEqual([stored.extractable, stored.algorithm, stored.type], [false, 'Ed25519', 'private']);
    phoneId = stored.phoneId;
    const phones = await net!.gateway.knex('phones').where({ rider_id: riderId }).select('id');
    assert.deepEqual(phones.map((row) => row.id), [phoneId], 'one phone enrolled, for this rider');

    const countdown = Number((await page.locator('#ride-code-countdown').innerText()).replace(' s', ''));
    assert.ok(countdown >= 0 && countdown <= REFRESH_S, `countdown ${countdown}`);
    const second = await codeAfter(first.counter);
    assert.notEqual(second.code, first.code, 'a new code, signed on the device');
  });

  it('when the rider logs out and back in through the login form, then the page keeps the same phone key', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(/\/me\/login$/);
    await page.getByLabel('E-mail address').fill(EMAIL);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/me$/);
    await codeAfter(0);
    assert.match(await page.locator('#phone-id').innerText(), new RegExp(`…${escape(phoneId.slice(-8))}`));
    assert.equal((await net!.gateway.knex('phones').where({ rider_id: riderId }).select('id')).length, 1, 'no second enrolment');
  });

  it("when the gate's camera reads the code on the screen and the next code is scanned at another station's exit, then both gates open and the journey is charged with how it was priced", async () => {
    const [from, to] = [net!.metro(0), net!.metro(2)];
    const shown = await codeAfter(0);
    const entry = await net!.gate(from, 0).scan({ frame: await cameraFrame() }, 'entry');
    assert.equal(entry.command.action, 'open', `entry denied: ${entry.command.reason}`);
    await net!.gate(from, 0).walkThrough();

    const next = await codeAfter(shown.counter);
    const exit = await net!.gate(to, 1).scan({ code: next.code }, 'exit');
    assert.equal(exit.command.action, 'open', `exit denied: ${exit.command.reason}`);
    await net!.gate(to, 1).walkThrough();
    const again = await net!.gate(to, 1).scan({ code: next.code }, 'exit');
    assert.deepEqual([again.command.action, again.command.reason], ['deny', 'CODE_ALREADY_USED'], 'the same code is never good twice');

    const journey = await eventually(async () => {
      const { journeys } = await net!.getJson(`/api/riders/${riderId}/journeys`);
      return journeys.length === 1 && journeys[0].status === 'complete' ? journeys[0] : undefined;
    }, 15_000, 'the journey to be charged');
    const fare = demoMetroFareMatrix(net!.sites)[from.id][to.id];
    assert.equal(journey.fareMinor, fare);

    await page.getByRole('link', { name: 'Journeys and tolls' }).click();
    const article = page.locator(`[data-journey-id="${journey.id}"]`);
    assert.equal(await article.locator('.route').innerText(), `${from.name} → ${to.name}`);
    assert.equal(await article.locator('.fare').innerText(), money(fare));
    const lines = await article.locator('table.breakdown tr').allInnerTexts();
    assert.deepEqual(lines.map((line) => line.replace(/\s+/g, ' ').trim()), [`${from.name} to ${to.name}: station matrix ${money(fare)}`, `Fare ${money(fare)}`]);
  });

  it('when the rider opens their receipts, then the charge has its receipt, and an e-invoice for the day opens from the page', async () => {
    const [charge] = (await net!.getJson(`/api/riders/${riderId}/charges`)).charges;
    await page.getByRole('link', { name: 'Receipts and invoices' }).click();
    const row = page.locator(`#receipts tr[data-charge-id="${charge.id}"]`);
    const cells = (await row.locator('td').allInnerTexts()).map((cell) => cell.trim());
    assert.equal(cells[1], `RC-${charge.id}`);
    assert.equal(cells[3], 'City Metro');
    assert.equal(cells[5], money(charge.amountMinor));
    assert.equal(cells[7], 'your balance');

    await page.getByRole('button', { name: 'Invoice this day' }).click();
    await page.waitForURL(/done=invoiced/);
    assert.match(await row.locator('td').nth(8).innerText(), /^MET-\d{6}$/);
    const [invoicePage] = await Promise.all([page.waitForEvent('framenavigated'), page.getByRole('link', { name: 'printable' }).click()]);
    assert.ok(invoicePage.url().endsWith('/html'));
    assert.match(await page.locator('h1').innerText(), /^Invoice MET-\d{6}$/);
    assert.match(await page.locator('body').innerText(), new RegExp(escape(charge.description.slice(0, 20))));
  });
});
