import assert from 'node:assert/strict';
import { startTestGateway, T0, type TestGateway } from '../support.js';
import { auditRow, ConsoleBrowser, errorCodeOf, noticeOf, problemOf, rowsOf, textOf } from './consoleSupport.js';

const DAY = 86_400_000;

describe('console: tariffs page', () => {
  let t: TestGateway;
  beforeEach(async () => (t = await startTestGateway()));
  afterEach(async () => t.close());

  const versionsOf = async (operatorId: string) => (await t.api.call('GET', `/api/operators/${operatorId}/tariffs`)).body.tariffs as Array<{ version: number; effectiveFrom: number; data: any }>;

  it('when an admin of the operator loads a version through the form, then it is stored with the effective time read in the business time zone, and listed as scheduled', async () => {
    const admin = await ConsoleBrowser.as(t, 'admin', 'bus');
    const data = JSON.stringify({ timeZone: 'Europe/Paris', fare: { kind: 'flat', fareMinor: 170 }, incomplete: { rule: 'max_fare' } });
    const posted = await admin.post('/console/operators/bus/tariffs', { effectiveFrom: '2026-02-01T04:30', data });
    assert.deepEqual([posted.status, posted.location], [303, '/console/operators/bus/tariffs?done=loaded&subject=2']);
    const page = await admin.get(posted.location!);
    assert.match(noticeOf(page.body)!, /^Version 2 is stored/);
    assert.deepEqual(rowsOf(page.body, 'tariffs'), ['v1 1970-01-01 01:00:00 flat EUR in force', 'v2 2026-02-01 04:30:00 flat EUR scheduled']);
    const stored = (await versionsOf('bus')).find((tariff) => tariff.version === 2)!;
    assert.equal(stored.effectiveFrom, Date.UTC(2026, 1, 1, 3, 30), '04:30 in Paris is 03:30 UTC in winter');
    assert.equal(stored.data.fare.fareMinor, 170);
    const audit = await auditRow(t.db.knex, (row) => row.action === 'POST /console/operators/bus/tariffs');
    assert.deepEqual([audit.operatorId, audit.outcome], ['bus', 'done']);
  });

  it('when the tariff fails the checks, then the page lists every problem the tariff engine found and keeps the JSON; bad JSON or a bad date are named too', async () => {
    const admin = await ConsoleBrowser.as(t, 'admin', null);
    const bad = { timeZone: 'Mars/Olympus_Mons', fare: { kind: 'matrix', fares: { 'M1-01': { 'M1-02': 200, 'X-99': 100 } } } };
    const api = await t.api.call('POST', '/api/operators/metro/tariffs', { effectiveFrom: T0 + DAY, data: bad });
    assert.equal(api.status, 422);
    const problems = api.body.error.details as Array<{ code: string; path: string; message: string }>;
    assert.ok(problems.length >= 3, JSON.stringify(problems));
    const typed = JSON.stringify(bad, null, 2);
    const page = await admin.post('/console/operators/metro/tariffs', { effectiveFrom: '2026-01-06T09:00', data: typed });
    assert.equal(page.status, 422);
    const shown = problemOf(page.body)!;
    assert.match(shown, /^TARIFF_INVALID tariff is invalid/);
    // Each as "CODE path: message" (textOf leaves a space where a tag ended).
    for (const problem of problems) assert.ok(shown.includes(`${problem.code} ${problem.path} : ${problem.message}`), `${problem.code} ${problem.path} missing from: ${shown.slice(0, 300)}`);
    assert.ok(page.body.includes(`>${typed.replaceAll('"', '&quot;')}</textarea>`), 'the JSON typed is kept');
    const notJson = await admin.post('/console/operators/metro/tariffs', { effectiveFrom: '2026-01-06T09:00', data: '{"fare": ' });
    assert.equal(notJson.status, 400);
    assert.match(problemOf(notJson.body)!, /^VALIDATION_FAILED the tariff is not valid JSON/);
    const badDate = await admin.post('/console/operators/metro/tariffs', { effectiveFrom: '2026-13-45T99:00', data: '{}' });
    assert.equal(badDate.status, 400);
    assert.match(problemOf(badDate.body)!, /effectiveFrom must be a date and time like 2026-02-01T04:30 \(Europe\/Paris time\), not "2026-13-45T99:00"/);
    assert.deepEqual((await versionsOf('metro')).map((tariff) => tariff.version), [1]);
  });

  it("when an operator's staff open tariffs, then they see their own operator's only; a supervisor is offered no form and may not load one", async () => {
    const metroAdmin = await ConsoleBrowser.as(t, 'admin', 'metro');
    const landing = await metroAdmin.get('/console/tariffs');
    assert.deepEqual([landing.status, landing.location], [303, '/console/operators/metro/tariffs']);
    const other = await metroAdmin.get('/console/operators/bus/tariffs');
    assert.deepEqual([other.status, errorCodeOf(other)], [403, 'FORBIDDEN']);
    const otherPost = await metroAdmin.post('/console/operators/bus/tariffs', { effectiveFrom: '2026-02-01T04:30', data: '{}' });
    assert.deepEqual([otherPost.status, errorCodeOf(otherPost)], [403, 'FORBIDDEN']);
    const busSupervisor = await ConsoleBrowser.as(t, 'supervisor', 'bus');
    const own = await busSupervisor.get('/console/operators/bus/tariffs');
    assert.equal(own.status, 200);
    assert.doesNotMatch(own.body, /<textarea/);
    const refused = await busSupervisor.post('/console/operators/bus/tariffs', { effectiveFrom: '2026-02-01T04:30', data: '{"fare": {"kind": "flat", "fareMinor": 1}}' });
    assert.deepEqual([refused.status, errorCodeOf(refused)], [403, 'FORBIDDEN']);
    assert.deepEqual((await versionsOf('bus')).map((tariff) => tariff.version), [1]);
  });

  it("when staff open a version, then its data is shown; the network's staff choose among every operator", async () => {
    const viewer = await ConsoleBrowser.as(t, 'viewer', null);
    const chooser = await viewer.get('/console/tariffs');
    assert.equal(chooser.status, 200);
    assert.match(textOf(chooser.body), /City Buses bus bus 1 v1 \(flat\) since 1970-01-01 01:00:00/);
    assert.match(textOf(chooser.body), /City Metro metro metro 1 v1 \(matrix\)/);
    const version = await viewer.get('/console/operators/bus/tariffs/1');
    assert.equal(version.status, 200);
    assert.match(version.body, /<pre class="json">\{\n {2}&quot;timeZone&quot;: &quot;Europe\/Paris&quot;,/);
    assert.match(textOf(version.body), /Version 1 \(in force\)/);
    const missing = await viewer.get('/console/operators/bus/tariffs/9');
    assert.deepEqual([missing.status, problemOf(missing.body)], [404, "TARIFF_NOT_FOUND version 9 of bus's tariff not found"]);
  });
});
