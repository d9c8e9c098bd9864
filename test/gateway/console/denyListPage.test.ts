import assert from 'node:assert/strict';
import { listDenyList } from '../../../gateway/trust/denyList.js';
import { registerDriver } from '../tolls/tollSupport.js';
import { enrolRider, passage, sendPassages, startTestGateway, T0, type TestGateway } from '../support.js';
import { auditRow, ConsoleBrowser, errorCodeOf, noticeOf, problemOf, rowsOf } from './consoleSupport.js';

describe('console: deny list page', () => {
  let t: TestGateway;
  beforeEach(async () => (t = await startTestGateway()));
  afterEach(async () => t.close());

  const trustChanges = async () => (await t.api.call('GET', '/api/lane/v1/trust?since=0')).body.changes as Array<{ kind: string; tokenId?: string; reason?: string }>;

  it('when a supervisor adds a token through the form, then the list names its rider, lanes get the change, and the audit log says who did it', async () => {
    const rider = await enrolRider(t.api, { name: 'Ada Lovelace' });
    const supervisor = await ConsoleBrowser.as(t, 'supervisor', null);
    const added = await supervisor.post('/console/deny-list', { target: rider.tokenId, reason: 'LOST_PHONE' });
    assert.equal(added.status, 303);
    assert.equal(added.location, '/console/deny-list?done=added&subject=1');
    const page = await supervisor.get(added.location!);
    assert.match(noticeOf(page.body)!, /Added to the deny list: lanes refuse the token within seconds/);
    const [row] = rowsOf(page.body, 'deny-list');
    assert.match(row!, new RegExp(`^${rider.tokenId} phone of Ada Lovelace LOST_PHONE 2026-01-05 09:00:00 \\d+ Release$`));
    assert.ok((await trustChanges()).some((change) => change.kind === 'deny.add' && change.tokenId === rider.tokenId && change.reason === 'LOST_PHONE'));
    const audit = await auditRow(t.db.knex, (entry) => entry.action === 'POST /console/deny-list' && entry.outcome === 'done');
    assert.equal(audit.actorName, supervisor.username);
    assert.deepEqual((audit.detail as any).body, { target: rider.tokenId, reason: 'LOST_PHONE' });
  });

  it("when a rider id is given, then every token of the rider is denied, its phone's and its vehicle's", async () => {
    const driver = await registerDriver(t.api, { name: 'Dana' });
    await t.api.call('POST', `/api/riders/${driver.riderId}/phones`, { publicKey: (await enrolRider(t.api)).publicKey, algorithm: 'ed25519' });
    const admin = await ConsoleBrowser.as(t, 'admin', null);
    const page = await admin.submit('/console/deny-list', { target: driver.riderId, reason: 'FRAUD' });
    assert.match(noticeOf(page.body)!, /the 2 tokens/);
    const rows = rowsOf(page.body, 'deny-list');
    assert.equal(rows.length, 2);
    assert.ok(rows.some((row) => row.includes(`vehicle ${driver.plate} of Dana FRAUD`)), rows.join('\n'));
    assert.ok(rows.some((row) => row.includes('phone of Dana FRAUD')), rows.join('\n'));
  });

  it('when the form is wrong, then the page says exactly what and keeps what was typed, and nothing changes', async () => {
    const supervisor = await ConsoleBrowser.as(t, 'supervisor', 'metro');
    const unknown = await supervisor.post('/console/deny-list', { target: 'ab'.repeat(16), reason: 'FRAUD' });
    assert.equal(unknown.status, 404);
    assert.equal(problemOf(unknown.body), `TOKEN_NOT_FOUND token ${'ab'.repeat(16)} not found`);
    assert.match(unknown.body, new RegExp(`name="target"[^>]*value="${'ab'.repeat(16)}"`));
    const noReason = await supervisor.post('/console/deny-list', { target: 'ab'.repeat(16), reason: '   ' });
    assert.equal(noReason.status, 400);
    assert.match(problemOf(noReason.body)!, /^VALIDATION_FAILED .*reason say why/);
    const noRider = await supervisor.post('/console/deny-list', { target: 'no-such-rider', reason: 'FRAUD' });
    assert.deepEqual([noRider.status, problemOf(noRider.body)], [404, 'RIDER_NOT_FOUND rider no-such-rider not found']);
    assert.deepEqual(await listDenyList(t.db.knex), []);
  });

  it('when a viewer posts the form, or a form comes without its CSRF token, then FORBIDDEN or CSRF_REJECTED and nothing changes', async () => {
    const rider = await enrolRider(t.api);
    const viewer = await ConsoleBrowser.as(t, 'viewer', null);
    const refused = await viewer.post('/console/deny-list', { target: rider.tokenId, reason: 'FRAUD' });
    assert.deepEqual([refused.status, errorCodeOf(refused)], [403, 'FORBIDDEN']);
    assert.doesNotMatch((await viewer.get('/console/deny-list')).body, /<form class="card"/, 'a viewer is offered no form');
    const supervisor = await ConsoleBrowser.as(t, 'supervisor', null);
    const forged = await supervisor.post('/console/deny-list', { target: rider.tokenId, reason: 'FRAUD' }, { csrf: false });
    assert.deepEqual([forged.status, errorCodeOf(forged)], [403, 'CSRF_REJECTED']);
    assert.deepEqual(await listDenyList(t.db.knex), []);
    const refusal = await auditRow(t.db.knex, (entry) => entry.outcome === 'refused' && entry.target === 'POST /console/deny-list' && entry.actorName === viewer.username);
    assert.equal((refusal.detail as any).code, 'FORBIDDEN');
  });

  it('when a supervisor releases a token, then it leaves the list and lanes get deny.remove; releasing it again says it is not listed', async () => {
    const rider = await enrolRider(t.api);
    await t.api.call('POST', '/api/deny-list', { tokenId: rider.tokenId, reason: 'FRAUD' });
    const supervisor = await ConsoleBrowser.as(t, 'supervisor', 'bus');
    const page = await supervisor.submit(`/console/deny-list/${rider.tokenId}/release`);
    assert.match(noticeOf(page.body)!, new RegExp(`Released token ${rider.tokenId}`));
    assert.deepEqual(rowsOf(page.body, 'deny-list'), ['nothing is on the deny list']);
    assert.ok((await trustChanges()).some((change) => change.kind === 'deny.remove' && change.tokenId === rider.tokenId));
    const again = await supervisor.post(`/console/deny-list/${rider.tokenId}/release`);
    assert.deepEqual([again.status, problemOf(again.body)], [404, `TOKEN_NOT_FOUND token ${rider.tokenId} on the deny list not found`]);
  });

  it("when an operator's staff look at the list, then riders who never travelled with them are not named, and cannot be denied by id", async () => {
    const theirs = await enrolRider(t.api, { name: 'Bus Rider' });
    const other = await enrolRider(t.api, { name: 'Metro Only' });
    await sendPassages(t.api, [passage(theirs.tokenId, 'B42-1', 'board', T0)]);
    await t.api.call('POST', '/api/deny-list', { tokenId: theirs.tokenId, reason: 'FRAUD' });
    await t.api.call('POST', '/api/deny-list', { tokenId: other.tokenId, reason: 'FRAUD' });
    const busSupervisor = await ConsoleBrowser.as(t, 'supervisor', 'bus');
    const rows = rowsOf((await busSupervisor.get('/console/deny-list')).body, 'deny-list');
    assert.ok(rows.some((row) => row.startsWith(`${theirs.tokenId} phone of Bus Rider`)), rows.join('\n'));
    assert.ok(rows.some((row) => row.startsWith(`${other.tokenId} phone of not one of your riders`)), rows.join('\n'));
    assert.ok(!rows.some((row) => row.includes('Metro Only')));
    const byId = await busSupervisor.post('/console/deny-list', { target: other.riderId, reason: 'FRAUD' });
    assert.deepEqual([byId.status, problemOf(byId.body)], [404, `RIDER_NOT_FOUND rider ${other.riderId} not found`]);
  });
});
