import assert from 'node:assert/strict';
import { recordAudit } from '../../../gateway/access/audit.js';
import { enrolRider, startTestGateway, T0, type TestGateway } from '../support.js';
import { auditRow, ConsoleBrowser, problemOf, rowsOf, textOf } from './consoleSupport.js';

describe('console: audit page', () => {
  let t: TestGateway;
  beforeEach(async () => (t = await startTestGateway()));
  afterEach(async () => t.close());

  it('when staff change things and are refused, then the audit page lists who, when, what and how it ended, newest first, by outcome', async () => {
    const rider = await enrolRider(t.api);
    const supervisor = await ConsoleBrowser.as(t, 'supervisor', 'metro');
    await supervisor.submit('/console/deny-list', { target: rider.tokenId, reason: 'FRAUD' });
    await auditRow(t.db.knex, (row) => row.action === 'POST /console/deny-list');
    await supervisor.post('/console/keys', { validForDays: '30' });
    const page = await supervisor.get('/console/audit');
    const rows = rowsOf(page.body, 'audit');
    assert.match(rows[0]!, new RegExp(`^2026-01-05 09:00:00 ${supervisor.username} metro access.refused POST /console/keys refused FORBIDDEN only the network's own staff may do this$`));
    assert.match(rows[1]!, new RegExp(`^2026-01-05 09:00:00 ${supervisor.username} metro POST /console/deny-list /console/deny-list done target ${rider.tokenId} reason FRAUD$`));
    const refusedOnly = rowsOf((await supervisor.get('/console/audit?outcome=refused')).body, 'audit');
    assert.ok(refusedOnly.length >= 1 && refusedOnly.every((row) => / refused /.test(row)), refusedOnly.join('\n'));
    const doneOnly = rowsOf((await supervisor.get('/console/audit?outcome=done')).body, 'audit');
    assert.ok(doneOnly.every((row) => / done /.test(row)), doneOnly.join('\n'));
    const bad = await supervisor.get('/console/audit?outcome=maybe');
    assert.deepEqual([bad.status, problemOf(bad.body)], [400, 'VALIDATION_FAILED query is invalid: outcome must be done or refused (or empty for both) outcome : must be done or refused (or empty for both)']);
  });

  it("when an operator's staff open the audit page, then they see rows about their operator only; the network's staff see all and may pick one", async () => {
    const busAdmin = await ConsoleBrowser.as(t, 'admin', 'bus');
    const metroViewer = await ConsoleBrowser.as(t, 'viewer', 'metro');
    await busAdmin.submit('/console/operators/bus/tariffs', { effectiveFrom: '2026-02-01T04:30', data: '{"fare": {"kind": "flat", "fareMinor": 160}}' });
    await auditRow(t.db.knex, (row) => row.action === 'POST /console/operators/bus/tariffs');
    const metroRows = rowsOf((await metroViewer.get('/console/audit')).body, 'audit');
    assert.ok(!metroRows.some((row) => row.includes('bus')), metroRows.join('\n'));
    const network = await ConsoleBrowser.as(t, 'viewer', null);
    const all = textOf((await network.get('/console/audit')).body);
    assert.match(all, /POST \/console\/operators\/bus\/tariffs/);
    const busOnly = rowsOf((await network.get('/console/audit?operator=bus')).body, 'audit');
    assert.ok(busOnly.length >= 1 && busOnly.every((row) => row.split(' ')[3] === 'bus'), busOnly.join('\n'));
    // An operator's staff cannot widen their view with the operator filter.
    const widened = rowsOf((await metroViewer.get('/console/audit?operator=bus')).body, 'audit');
    assert.ok(!widened.some((row) => row.includes('bus')));
  });

  it('when there are more rows than a page, then older ones are a link away', async () => {
    for (let i = 0; i < 60; i++) await recordAudit(t.db.knex, { kind: 'anonymous' }, T0 + i, { action: 'login.failed', target: `staff:user${i}`, outcome: 'refused' });
    const viewer = await ConsoleBrowser.as(t, 'viewer', null);
    const first = await viewer.get('/console/audit?outcome=refused');
    const firstRows = rowsOf(first.body, 'audit');
    assert.equal(firstRows.length, 50);
    assert.match(firstRows[0]!, /login\.failed staff:user59 refused/);
    const older = /href="(\/console\/audit\?[^"]*before=\d+[^"]*)"/.exec(first.body)?.[1]?.replaceAll('&amp;', '&');
    assert.ok(older, 'a link to older rows');
    const secondRows = rowsOf((await viewer.get(older)).body, 'audit');
    assert.equal(secondRows.length, 10);
    assert.match(secondRows[0]!, /staff:user9 refused/);
    assert.match(secondRows.at(-1)!, /staff:user0 refused/);
  });
});
