import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { startTestGateway, type TestGateway } from '../gateway/support.js';
import { DAY1, DAY2, seedReportScenario } from '../gateway/reports/reportSupport.js';
import { staffSession } from '../support/access.js';
import { temporaryDir } from '../support/environment.js';
import { launchChromium, logInThroughForm, skipWithoutChromium } from './chromium.js';


/** A console page opened as the metro's staff would: the console sends them to log in through its form, then on to the page. */
async function openConsolePage(browser: BrowserContext, t: TestGateway, path: string): Promise<Page> {
  const staff = await staffSession(t.db.knex, { role: 'viewer', operatorId: 'metro', now: t.clock.now() });
  const page = await browser.newPage();
  await browser.clearCookies();
  await page.goto(`${t.gateway.url}${path}`);
  await logInThroughForm(page, staff, path.split('?')[0]);
  return page;
}

describe('a report page, in a real browser', function () {
  this.timeout(60_000);
  let t: TestGateway | undefined;
  let browser: BrowserContext | undefined;
  const profile = temporaryDir('turnpike-chromium-');

  before(async function () {
    skipWithoutChromium(this);
    t = await startTestGateway();
    await seedReportScenario(t);
    browser = await launchChromium(profile.path, { acceptDownloads: true });
  });

  after(async () => {
    await browser?.close();
    await t?.close();
    profile.remove();
  });

  const tableKeys = (page: Page) => page.locator('#report-table tbody tr').evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.key));

  it('when a filter is changed and shown, then the table and chart change, the address holds the filter, and the CSV export downloads the same rows', async () => {
    const errors: Error[] = [];
    const page = await openConsolePage(browser!, t!, `/console/reports/traffic?operator=metro&from=${DAY1}&to=${DAY2}`);
    page.on('pageerror', (error) => errors.push(error));
    assert.deepEqual(await tableKeys(page), [DAY1, DAY2]);
    assert.equal(await page.locator('figure.chart svg circle').count(), 2, 'a line over the two days');
    assert.equal(await page.getByRole('img').getAttribute('aria-labelledby'), 'report-chart-title report-chart-desc');

    await page.locator('select[name=groupBy]').selectOption('station');
    await page.locator('select[name=line]').selectOption('M1');
    await Promise.all([page.waitForURL(/groupBy=station/), page.getByRole('button', { name: 'Show' }).click()]);
    const address = new URL(page.url());
    assert.deepEqual([address.pathname, address.searchParams.get('groupBy'), address.searchParams.get('line'), address.searchParams.get('from'), address.searchParams.get('operator')], ['/console/reports/traffic', 'station', 'M1', DAY1, 'metro']);
    const stations = await tableKeys(page);
    assert.deepEqual(stations, ['M1-01', 'M1-02', 'M1-03', 'M1-04', 'M1-05', 'M1-06', 'M1-07', 'M1-08']);
    assert.equal(await page.locator('figure.chart svg rect').count(), 8, 'a bar per station');
    assert.equal(await page.locator('#report-table tbody tr[data-key="M1-02"] td').first().innerText(), '2');

    // Reopening the address alone shows the same report: it can be bookmarked.
    const again = await openConsolePage(browser!, t!, `${address.pathname}${address.search}`);
    assert.deepEqual(await tableKeys(again), stations);
    await again.close();

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'CSV' }).click()]);
    assert.match(download.suggestedFilename(), /^traffic-metro-2026-01-05-2026-01-06-by-station\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    const api = await t!.api.raw<string>('GET', `/api/operators/metro/reports/traffic?from=${DAY1}&to=${DAY2}&groupBy=station&line=M1&format=csv`);
    assert.equal(csv, api.body);
    assert.deepEqual(csv.split('\r\n').slice(1, -1).map((line) => line.split(',')[0]), stations);
    assert.deepEqual(errors, []);
    await page.close();
  });
});
