import assert from 'node:assert/strict';
import { riderSession, staffSession } from '../../support/access.js';
import { enrolRider, startTestGateway, T0, type TestGateway } from '../support.js';
import { DAY1, DAY2, seedReportScenario } from './reportSupport.js';

const decode = (text: string) => text.replaceAll('&amp;', '&').replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&#39;', "'");

/** The pieces of a report page a reader sees: the form's chosen values, the table, the chart and the export links. */
function readPage(page: string) {
  const selected = Object.fromEntries([...page.matchAll(/<select name="(\w+)">(.*?)<\/select>/gs)].map((match) => [match[1], /<option value="([^"]*)" selected>/.exec(match[2])?.[1] ?? '']));
  const dates = Object.fromEntries([...page.matchAll(/<input type="date" name="(\w+)" value="([^"]*)">/g)].map((match) => [match[1], match[2]]));
  const body = /<tbody>(.*?)<\/tbody>/s.exec(page)?.[1] ?? '';
  const rows = [...body.matchAll(/<tr data-key="([^"]*)"><th scope="row">(.*?)<\/th>(.*?)<\/tr>/gs)].map((match) => [decode(match[1]), decode(match[2]), ...[...match[3].matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((cell) => decode(cell[1]))]);
  const exports = [...page.matchAll(/<a href="(\/api\/operators\/[^"]+)"/g)].map((match) => decode(match[1]));
  return { selected, dates, rows, exports, bars: [...page.matchAll(/<rect /g)].length, points: [...page.matchAll(/<circle /g)].length };
}

describe('report pages of the operator console', () => {
  let t: TestGateway;
  before(async () => {
    t = await startTestGateway();
    await seedReportScenario(t);
  });
  after(async () => t.close());

  const page = async (path: string) => t.api.raw<string>('GET', path);

  it('when a report page is opened with filters in its address, then the form holds them and the table, the chart and the export links show that query', async () => {
    const answer = await page(`/console/reports/traffic?operator=metro&from=${DAY1}&to=${DAY2}&groupBy=station&line=M1`);
    assert.equal(answer.status, 200);
    assert.match(answer.headers.get('content-type') ?? '', /^text\/html/);
    const view = readPage(answer.body);
    assert.deepEqual(view.dates, { from: DAY1, to: DAY2 });
    assert.deepEqual([view.selected.operator, view.selected.groupBy, view.selected.line, view.selected.station, view.selected.mode], ['metro', 'station', 'M1', '', '']);
    const api = (await t.api.call('GET', `/api/operators/metro/reports/traffic?from=${DAY1}&to=${DAY2}&groupBy=station&line=M1`)).body;
    assert.deepEqual(view.rows.map((row) => [row[0], row[1], row[2]]), api.rows.map((row: { key: string; label: string; passages: number }) => [row.key, row.label, String(row.passages)]));
    assert.equal(view.bars, api.rows.length, 'one bar per row');
    assert.deepEqual(view.exports, [
      `/api/operators/metro/reports/traffic?from=${DAY1}&to=${DAY2}&groupBy=station&line=M1&format=csv`,
      `/api/operators/metro/reports/traffic?from=${DAY1}&to=${DAY2}&groupBy=station&line=M1&format=json`,
    ]);
    assert.match(answer.body, /<title>Traffic · City Metro · Turnpike<\/title>/);
    assert.match(answer.body, /<a href="\/console\/reports" aria-current="page">Reports<\/a>/);
  });

  it('when revenue is grouped by day, then the chart is a line with a point per day and money is written in the operator’s currency', async () => {
    const view = readPage((await page(`/console/reports/revenue?operator=metro&from=${DAY1}&to=${DAY2}&groupBy=day`)).body);
    assert.equal(view.points, 2);
    assert.deepEqual(view.rows.map((row) => row[0]), [DAY1, DAY2]);
    assert.equal(view.rows[1].at(-1), '€2.20');
  });

  it('when the filters are wrong, then the page answers 400 with each problem and keeps the form', async () => {
    const answer = await page(`/console/reports/revenue?operator=metro&from=${DAY2}&to=${DAY1}&groupBy=station&fareClass=1`);
    assert.equal(answer.status, 400);
    assert.match(answer.body, /<div class="problem" role="alert">.*<li><code>from<\/code>: 2026-01-06 is after to \(2026-01-05\)<\/li>/s);
    assert.deepEqual(readPage(answer.body).selected.fareClass, '1');
    assert.doesNotMatch(answer.body, /<svg/);
  });

  it('when the reports index is opened, then it links every report of every operator', async () => {
    const answer = await page('/console/reports');
    assert.equal(answer.status, 200);
    for (const operator of ['metro', 'bus', 'road']) for (const report of ['traffic', 'revenue', 'incomplete', 'denials', 'arrears']) assert.ok(answer.body.includes(`href="/console/reports/${report}?operator=${operator}"`), `${operator} ${report}`);
  });

  describe('as staff of one operator', () => {
    /** Pages fetched with a real session of this principal, through the gateway's access control. */
    const as = async (who: { operatorId: string | null; role: 'viewer' | 'admin' } | { riderId: string }) => {
      const token = 'riderId' in who ? await riderSession(t.db.knex, who.riderId, T0) : (await staffSession(t.db.knex, { ...who, now: T0 })).token;
      return (path: string) => fetch(`${t.gateway.url}${path}`, { headers: { authorization: `Bearer ${token}` }, redirect: 'manual' });
    };

    it('when metro staff open reports, then only the metro is offered, and asking for another operator’s is forbidden', async () => {
      const metroStaff = await as({ operatorId: 'metro', role: 'viewer' });
      const own = await metroStaff(`/console/reports/revenue?from=${DAY1}&to=${DAY2}`);
      assert.equal(own.status, 200);
      const html = await own.text();
      assert.deepEqual([...html.matchAll(/<select name="operator">(.*?)<\/select>/gs)].flatMap((match) => [...match[1].matchAll(/<option value="(\w+)"/g)].map((option) => option[1])), ['metro']);
      const foreign = await metroStaff('/console/reports/revenue?operator=bus');
      assert.deepEqual([foreign.status, ((await foreign.json()) as { error: { code: string } }).error.code], [403, 'FORBIDDEN']);
      const index = await (await metroStaff('/console/reports')).text();
      assert.ok(index.includes('operator=metro') && !index.includes('operator=bus'));
      const networkStaff = await as({ operatorId: null, role: 'admin' });
      assert.equal((await networkStaff('/console/reports/revenue?operator=bus')).status, 200);
      const rider = await as({ riderId: (await enrolRider(t.api)).riderId });
      assert.equal((await rider('/console/reports')).status, 403);
    });
  });
});
