import assert from 'node:assert/strict';
import type { BrowserContext } from 'playwright-core';
import { staffSession } from '../support/access.js';
import { temporaryDir } from '../support/environment.js';
import { startTestGateway, type TestGateway } from '../gateway/support.js';
import { DAY, dayWindow, endDay, gatePassage, sendBatches, TestLaneJournal } from '../gateway/settlement/support.js';
import { launchChromium, logInThroughForm, skipWithoutChromium } from './chromium.js';

describe('closing a settlement day, in a real browser', function () {
  this.timeout(60_000);
  let t: TestGateway | undefined;
  let journal: TestLaneJournal | undefined;
  let browser: BrowserContext | undefined;
  const profile = temporaryDir('turnpike-chromium-');

  before(async function () {
    skipWithoutChromium(this);
    t = await startTestGateway();
    // A day at one metro lane: the gateway holds three passages, the lane's journal reports two.
    const passages = [1, 2, 3].map((seq) => gatePassage('M1-01', seq, t!.clock.now() + seq * 1000));
    await sendBatches(t.api, passages);
    journal = new TestLaneJournal('M1-01');
    journal.append(passages.slice(0, 2));
    endDay(t);
    await journal.report(t.api, dayWindow(t));
    browser = await launchChromium(profile.path);
  });

  after(async () => {
    await browser?.close();
    journal?.close();
    await t?.close();
    profile.remove();
  });

  it('when a supervisor logs in, opens the ended day and presses Close, then the statement is closed with its exception listed, and stays closed', async () => {
    const supervisor = await staffSession(t!.db.knex, { role: 'supervisor', operatorId: 'metro', now: t!.clock.now() });
    const page = await browser!.newPage();
    const errors: Error[] = [];
    page.on('pageerror', (error) => errors.push(error));
    await page.goto(`${t!.gateway.url}/console/settlement`);
    await logInThroughForm(page, supervisor, '/console/settlement');
    await page.getByRole('link', { name: DAY }).click();
    await page.waitForURL((url) => url.pathname === `/console/settlement/metro/${DAY}`);
    assert.match(await page.locator('main').innerText(), /UNKNOWN_TO_LANE/);
    await page.getByRole('button', { name: `Close ${DAY}` }).click();
    await page.locator('p.notice').waitFor();
    assert.equal(await page.locator('p.notice').innerText(), `${DAY} is closed: this statement will not change.`);
    assert.equal(await page.getByRole('button', { name: `Close ${DAY}` }).count(), 0, 'a closed day has no Close button');
    // The closed statement is what the API answers, by the same supervisor's hand.
    const statement = await t!.api.call('GET', `/api/operators/metro/settlement/${DAY}`);
    assert.equal(statement.body.state, 'closed');
    assert.equal(statement.body.closedBy, supervisor.username);
    assert.deepEqual(statement.body.exceptions.map((exception: { code: string }) => exception.code), ['UNKNOWN_TO_LANE']);
    assert.deepEqual(errors.map(String), []);
  });
});
