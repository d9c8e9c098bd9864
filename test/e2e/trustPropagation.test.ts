import assert from 'node:assert/strict';
import { eventually, TestNetwork } from '../support/testNetwork.js';

describe('keys and deny lists reach lanes', function () {
  this.timeout(60_000);
  let net: TestNetwork;

  beforeEach(async () => {
    // Polling far slower than the 2 s promise: what arrives in time arrives by the MQTT push.
    net = await new TestNetwork({ metroStations: 3, buses: 1, lane: { trustPollIntervalMs: 60_000 } }).start();
  });
  afterEach(async () => {
    await net?.close();
  });

  function laneVersions(): number[] {
    return [...net.network.lanes.values()].map((lane) => lane.trust.version);
  }

  it('when a rider is deny-listed at the gateway, then every connected lane refuses them within 2 s, and a release lets them in again', async () => {
    const rider = await net.rider();
    const started = Date.now();
    const denied = await net.send('POST', '/api/deny-list', { riderId: rider.riderId, reason: 'LOST_PHONE' });
    assert.equal(denied.status, 201);
    await eventually(() => laneVersions().every((version) => version >= denied.body.version), 2000, 'every lane to apply the deny-list change');
    const elapsedMs = Date.now() - started;
    assert.ok(elapsedMs < 2000, `took ${elapsedMs} ms`);
    for (const site of net.sites) {
      const answer = site.mode === 'bus' ? await net.validator(site).scan({ code: rider.phone.code() }) : await net.gate(site, 0).scan({ code: rider.phone.code() }, 'entry');
      assert.deepEqual([answer.command.action, answer.command.reason], ['deny', 'TOKEN_DENIED'], site.id);
    }
    const released = await net.send('DELETE', `/api/deny-list/${rider.tokenId}`);
    assert.equal(released.status, 200);
    await eventually(() => laneVersions().every((version) => version >= released.body.version), 2000, 'every lane to apply the release');
    assert.equal((await net.gate(net.metro(0), 0).scan({ code: rider.phone.code() }, 'entry')).command.action, 'open');
    await net.gate(net.metro(0), 0).walkThrough();
  });

  it('when the issuer key is rotated and the old one revoked, then old credentials get KEY_REVOKED and a refreshed one opens', async () => {
    const rider = await net.rider();
    const oldKeyId = rider.phone.wallet.credential!.keyId;
    const rotated = await net.send('POST', '/api/keys', {});
    assert.equal(rotated.status, 201);
    const revoked = await net.send('POST', `/api/keys/${oldKeyId}/revoke`);
    assert.equal(revoked.status, 200);
    await eventually(() => laneVersions().every((version) => version >= revoked.body.version), 2000, 'every lane to apply the revocation');
    const refused = await net.gate(net.metro(1), 0).scan({ code: rider.phone.code() }, 'entry');
    assert.deepEqual([refused.command.action, refused.command.reason], ['deny', 'KEY_REVOKED']);
    const fresh = await rider.phone.refreshCredential();
    assert.notEqual(fresh.keyId, oldKeyId);
    assert.equal((await net.gate(net.metro(1), 0).scan({ code: rider.phone.code() }, 'entry')).command.action, 'open');
    await net.gate(net.metro(1), 0).walkThrough();
  });

  it('when a lane was away while the deny list changed, then it catches up on reconnecting', async () => {
    const rider = await net.rider();
    const site = net.metro(2);
    await net.network.stopLane(site.id);
    const denied = await net.send('POST', '/api/deny-list', { riderId: rider.riderId, reason: 'FRAUD' });
    const lane = await net.network.startLane(site);
    assert.ok(lane.trust.version >= denied.body.version, `lane at ${lane.trust.version}, gateway at ${denied.body.version}`);
    const answer = await net.gate(site, 1).scan({ code: rider.phone.code() }, 'entry');
    assert.equal(answer.command.reason, 'TOKEN_DENIED');
  });

  it('when a lane restarts while the gateway is down, then it decides from its persisted trust copy', async () => {
    const good = await net.rider();
    const bad = await net.rider();
    await net.send('POST', '/api/deny-list', { riderId: bad.riderId, reason: 'FRAUD' });
    const site = net.metro(1);
    await eventually(() => net.lane(site).trust.isDenied(bad.tokenId), 2000, 'the deny to arrive');
    await net.network.stopGateway();
    await net.network.stopLane(site.id);
    const lane = await net.network.startLane(site);
    assert.ok(lane.trust.isDenied(bad.tokenId));
    assert.equal((await net.gate(site, 2).scan({ code: good.phone.code() }, 'entry')).command.action, 'open');
    await net.gate(site, 2).walkThrough();
    assert.equal((await net.gate(site, 3).scan({ code: bad.phone.code() }, 'entry')).command.reason, 'TOKEN_DENIED');
    assert.equal(lane.stats().outboxBacklog, 1, 'the passage waits in the outbox');
    await net.network.startGateway();
    await eventually(() => lane.stats().outboxBacklog === 0, 10_000, 'the outbox to drain');
  });

  it('when lanes report, then the gateway lists each with its trust version and how stale its copy is', async () => {
    const { lanes } = await eventually(async () => {
      const body = await net.getJson('/api/lanes');
      return body.lanes.length === net.sites.length && body.lanes.every((lane: { trustAgeMs: number | null }) => lane.trustAgeMs !== null) ? body : undefined;
    }, 5000, 'a report from every lane');
    for (const lane of lanes) {
      assert.equal(lane.staleness, 'current');
      assert.ok(lane.trustVersion >= 1);
      assert.ok(lane.trustAgeMs < 5000);
    }
    const own = net.lane(net.metro(0)).stats();
    assert.equal(own.trustStale, false);
    assert.ok(own.trustAgeMs !== null && own.trustAgeMs < 5000);
  });
});
