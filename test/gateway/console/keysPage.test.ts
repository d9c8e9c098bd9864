import assert from 'node:assert/strict';
import { startTestGateway, type TestGateway } from '../support.js';
import { ConsoleBrowser, errorCodeOf, noticeOf, problemOf, rowsOf } from './consoleSupport.js';

describe('console: keys page', () => {
  let t: TestGateway;
  beforeEach(async () => (t = await startTestGateway()));
  afterEach(async () => t.close());

  const keys = async () => (await t.api.call('GET', '/api/keys')).body.keys as Array<{ keyId: number; validFromS: number; validUntilS: number; revokedAt: number | null }>;
  const trustKinds = async () => ((await t.api.call('GET', '/api/lane/v1/trust?since=0')).body.changes as Array<{ kind: string; keyId?: number }>).map((change) => `${change.kind} ${change.keyId ?? ''}`.trim());

  it("when the network's admin rotates, then the new key signs and the old one stays valid; revoking the old one reaches the lanes", async () => {
    const admin = await ConsoleBrowser.as(t, 'admin', null);
    const rotated = await admin.submit('/console/keys', { validForDays: '30' });
    assert.match(noticeOf(rotated.body)!, /^Key 2 is created and signs new credentials/);
    const rows = rowsOf(rotated.body, 'keys');
    assert.equal(rows.length, 2);
    assert.match(rows[0]!, /^1 ed25519 \S+ .* valid Revoke$/);
    assert.match(rows[1]!, /^2 ed25519 \S+ .* signing Revoke$/);
    const second = (await keys()).find((key) => key.keyId === 2)!;
    assert.equal(second.validUntilS - second.validFromS, 30 * 86_400);
    const revoked = await admin.submit('/console/keys/1/revoke');
    assert.match(noticeOf(revoked.body)!, /^Key 1 is revoked/);
    assert.match(rowsOf(revoked.body, 'keys')[0]!, /^1 ed25519 \S+ .* revoked at 2026-01-05 09:00:00$/);
    assert.deepEqual(await trustKinds(), ['key.add 1', 'key.add 2', 'key.revoke 1']);
    const again = await admin.post('/console/keys/1/revoke');
    assert.deepEqual([again.status, problemOf(again.body)], [409, 'KEY_ALREADY_REVOKED issuer key 1 is already revoked']);
    const unknown = await admin.post('/console/keys/77/revoke');
    assert.deepEqual([unknown.status, problemOf(unknown.body)], [404, 'KEY_NOT_FOUND issuer key 77 not found']);
  });

  it('when the validity is not a whole number of days within five years, then the page says so and no key is made', async () => {
    const admin = await ConsoleBrowser.as(t, 'admin', null);
    for (const [days, expected] of [['0', /at least 1 day/], ['4000', /at most 5 years/], ['1.5', /whole days/], ['soon', /a number of days/]] as const) {
      const answer = await admin.post('/console/keys', { validForDays: days });
      assert.equal(answer.status, 400, days);
      assert.match(problemOf(answer.body)!, expected, days);
      assert.match(answer.body, new RegExp(`name="validForDays"[^>]*value="${days}"`), 'what was typed is kept');
    }
    assert.equal((await keys()).length, 1);
  });

  it("when an operator's admin or the network's supervisor open keys, then they read them but may neither rotate nor revoke", async () => {
    for (const [role, operatorId] of [['admin', 'metro'], ['supervisor', null]] as const) {
      const staff = await ConsoleBrowser.as(t, role, operatorId);
      const page = await staff.get('/console/keys');
      assert.equal(page.status, 200);
      assert.equal(rowsOf(page.body, 'keys').length, 1);
      assert.doesNotMatch(page.body, /action="\/console\/keys/, 'no form is offered');
      const rotate = await staff.post('/console/keys', { validForDays: '30' });
      assert.deepEqual([rotate.status, errorCodeOf(rotate)], [403, 'FORBIDDEN'], `${role} of ${operatorId}`);
      const revoke = await staff.post('/console/keys/1/revoke');
      assert.deepEqual([revoke.status, errorCodeOf(revoke)], [403, 'FORBIDDEN']);
    }
    assert.deepEqual((await keys()).map((key) => [key.keyId, key.revokedAt]), [[1, null]]);
  });
});
