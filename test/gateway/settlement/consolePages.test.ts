import assert from 'node:assert/strict';
import { startTestGateway, type TestGateway } from '../support.js';
import { DAY, dayWindow, endDay, gatePassage, sendBatches, TestLaneJournal } from './support.js';

describe('console: settlement pages', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let journal: TestLaneJournal | undefined;

  beforeEach(async () => (t = await startTestGateway()));
  afterEach(async () => {
    journal?.close();
    journal = undefined;
    await t?.close();
  });

  /** Through the test API client, so pages are asked for as the signed-in staff member would. */
  async function page(path: string) {
    const answer = await t.api.raw('GET', path);
    return { status: answer.status, type: answer.headers.get('content-type') ?? '', text: typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body) };
  }

  /** A form post; the client follows the 303 to the page it names. */
  async function postForm(path: string, fields: Record<string, string>) {
    const answer = await t.api.raw('POST', path, new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded');
    return { status: answer.status, text: typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body) };
  }

  it('when a supervisor opens a day, closes it with the form and tries again, then the page shows the statement, then it closed, then why not', async () => {
    const passages = [1, 2, 3].map((seq) => gatePassage('M1-01', seq, t.clock.now() + seq * 1000));
    await sendBatches(t.api, passages);
    journal = new TestLaneJournal('M1-01');
    journal.append(passages.slice(0, 2));
    endDay(t);
    await journal.report(t.api, dayWindow(t));

    const list = await page('/console/settlement?operator=metro');
    assert.equal(list.status, 200);
    assert.match(list.type, /^text\/html/);
    assert.match(list.text, new RegExp(`<a href="/console/settlement/metro/${DAY}">${DAY}</a></td><td><span class="state-warn">draft</span>`));
    assert.match(list.text, /<a href="\/console\/settlement" aria-current="page">Settlement<\/a>/);

    const day = await page(`/console/settlement/metro/${DAY}`);
    assert.equal(day.status, 200);
    assert.match(day.text, new RegExp(`<form class="card" method="post" action="/console/settlement/metro/${DAY}/close"><input type="hidden" name="_csrf" value="">`));
    assert.match(day.text, new RegExp(`href="/api/operators/metro/settlement/${DAY}\\?format=csv"`));
    assert.match(day.text, new RegExp(`<td title="[^"]+">UNKNOWN_TO_LANE</td><td>M1-01</td>\\s*<td class="num">3</td><td><code>${passages[2].id}</code>`));

    const after = await postForm(`/console/settlement/metro/${DAY}/close`, { _csrf: '' });
    assert.equal(after.status, 200);
    assert.match(after.text, /<p class="notice">2026-01-05 is closed: this statement will not change.<\/p>/);
    assert.doesNotMatch(after.text, /action="[^"]*\/close"/, 'a closed day has no Close button');
    assert.match(after.text, /digest <code>[0-9a-f]{64}<\/code>/);

    const again = await postForm(`/console/settlement/metro/${DAY}/close`, { _csrf: '' });
    assert.equal(again.status, 409);
    assert.match(again.text, /<p class="problem">the statement of metro for 2026-01-05 is closed; a closed statement never changes<\/p>/);
  });

  it('when a day is malformed or an operator unknown, then the console answers a coded error', async () => {
    const bad = await page('/console/settlement/metro/someday');
    assert.equal(bad.status, 400);
    assert.equal(JSON.parse(bad.text).error.code, 'VALIDATION_FAILED');
    const unknown = await page(`/console/settlement/nobody/${DAY}`);
    assert.deepEqual([unknown.status, JSON.parse(unknown.text).error.code], [404, 'OPERATOR_NOT_FOUND']);
    const notOver = await postForm(`/console/settlement/metro/${DAY}/close`, { _csrf: '' });
    assert.equal(notOver.status, 409);
    assert.match(notOver.text, /<p class="problem">business day 2026-01-05 ends at/);
  });
});
