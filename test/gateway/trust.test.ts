import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { TrustChange } from '../../protocol/laneApi.js';
import { topics } from '../../protocol/topics.js';
import { staffSession } from '../support/access.js';
import { enrolRider, listen, passage, sendPassages, startTestGateway, T0, type TestGateway } from './support.js';

describe('gateway trust changes', () => {
  let t: TestGateway;
  beforeEach(async () => (t = await startTestGateway({ broker: true })));
  afterEach(async () => t.close());

  it('when the gateway starts on an empty database, then it creates an issuer key announced as version 1', async () => {
    const trust = (await t.api.call('GET', '/api/lane/v1/trust?since=0')).body;
    assert.equal(trust.version, 1);
    assert.equal(trust.changes[0].kind, 'key.add');
    assert.equal(trust.changes[0].keyId, 1);
    assert.equal((await t.api.call('GET', '/api/keys')).body.keys.length, 1);
  });

  it('when a key is rotated and the old one revoked, then both are trust changes, pushed on MQTT, and credentials use the new key', async () => {
    const lane = await listen(t.broker!.url, topics.trustDelta());
    try {
      const created = await t.api.call('POST', '/api/keys', {});
      assert.equal(created.status, 201);
      assert.equal(created.body.keyId, 2);
      assert.equal(created.body.privateKeyPem, undefined, 'only the public part is shown');
      const revoked = await t.api.call('POST', '/api/keys/1/revoke');
      assert.equal(revoked.status, 200);
      const trust = (await t.api.call('GET', '/api/lane/v1/trust?since=1')).body;
      assert.deepEqual(trust.changes.map((c: { version: number; kind: string; keyId: number }) => [c.version, c.kind, c.keyId]), [[2, 'key.add', 2], [3, 'key.revoke', 1]]);
      assert.equal(trust.version, 3);
      for (const change of trust.changes) assert.deepEqual(TrustChange.parse(await lane.next((m) => isDeepStrictEqual(m, change))), change);
      const rider = await enrolRider(t.api);
      const issued = await t.api.call('POST', `/api/riders/${rider.riderId}/phones/${rider.phoneId}/credential`);
      assert.equal(issued.body.keyId, 2);
      const again = await t.api.call('POST', '/api/keys/1/revoke');
      assert.deepEqual([again.status, again.body.error.code], [409, 'KEY_ALREADY_REVOKED']);
      const missing = await t.api.call('POST', '/api/keys/99/revoke');
      assert.deepEqual([missing.status, missing.body.error.code], [404, 'KEY_NOT_FOUND']);
    } finally {
      await lane.close();
    }
  });

  it('when an operator denies and releases a token, then lanes see both changes after their version', async () => {
    const rider = await enrolRider(t.api);
    const added = await t.api.call('POST', '/api/deny-list', { riderId: rider.riderId, reason: 'LOST_PHONE' });
    assert.equal(added.status, 201);
    assert.deepEqual(added.body.tokenIds, [rider.tokenId]);
    const removed = await t.api.call('DELETE', `/api/deny-list/${rider.tokenId}`);
    assert.equal(removed.body.version, added.body.version + 1);
    const trust = (await t.api.call('GET', `/api/lane/v1/trust?since=${added.body.version - 1}`)).body;
    assert.deepEqual(trust.changes.map((c: { kind: string; tokenId: string }) => [c.kind, c.tokenId]), [['deny.add', rider.tokenId], ['deny.remove', rider.tokenId]]);
    const none = (await t.api.call('GET', `/api/lane/v1/trust?since=${trust.version}`)).body;
    assert.deepEqual(none, { version: trust.version, changes: [] });
  });

  it("when an operator's supervisor denies a rider through the API, then only a rider who travelled with that operator is found, as on the console", async () => {
    const stranger = await enrolRider(t.api);
    const traveller = await enrolRider(t.api);
    await sendPassages(t.api, [passage(traveller.tokenId, 'M1-01', 'entry', T0), passage(traveller.tokenId, 'M1-03', 'exit', T0 + 600_000)]);
    const busSupervisor = t.api.as((await staffSession(t.db.knex, { role: 'supervisor', operatorId: 'bus', now: T0 })).token);
    const metroSupervisor = t.api.as((await staffSession(t.db.knex, { role: 'supervisor', operatorId: 'metro', now: T0 })).token);
    const refused = await busSupervisor.call('POST', '/api/deny-list', { riderId: traveller.riderId, reason: 'FRAUD' });
    assert.deepEqual([refused.status, refused.body.error?.code], [404, 'RIDER_NOT_FOUND']);
    assert.deepEqual([(await metroSupervisor.call('POST', '/api/deny-list', { riderId: stranger.riderId, reason: 'FRAUD' })).status], [404]);
    assert.deepEqual((await t.api.call('GET', '/api/deny-list')).body.entries, []);
    const added = await metroSupervisor.call('POST', '/api/deny-list', { riderId: traveller.riderId, reason: 'FRAUD' });
    assert.equal(added.status, 201);
    assert.deepEqual((await t.api.call('GET', '/api/deny-list')).body.entries.map((entry: { tokenId: string }) => entry.tokenId), [traveller.tokenId]);
    // The network's own staff name any rider.
    assert.equal((await t.api.call('POST', '/api/deny-list', { riderId: stranger.riderId, reason: 'FRAUD' })).status, 201);
  });
});
