import assert from 'node:assert/strict';
import { laneApiTokenOf } from '../../protocol/mqttAccess.js';
import { passage } from '../gateway/support.js';
import { TestNetwork } from '../support/testNetwork.js';

describe('lane API authentication', function () {
  this.timeout(60_000);
  let net: TestNetwork;

  before(async () => {
    net = await new TestNetwork({ metroStations: 2, buses: 0 }).start();
  });
  after(async () => {
    await net?.close();
  });

  const post = async (path: string, body: unknown, token?: string) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    const response = await fetch(new URL(`/api/lane/v1${path}`, net.gateway.url), { method: 'POST', headers, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as { error: { code: string } } };
  };
  const stored = async (id: string) => (await net.gateway.knex('passages').where({ id }).first()) !== undefined;

  it('when a lane posts passages without a token or with a made-up one, then 401 LANE_UNAUTHENTICATED and nothing is stored', async () => {
    const site = net.metro(0);
    const record = passage('0'.repeat(32), site.id, 'entry', Date.now());
    const before = net.gateway.metrics.get('http.errors.LANE_UNAUTHENTICATED');
    for (const token of [undefined, 'nonsense', `${site.id}.forged`, laneApiTokenOf('another-secret-0123456789', site.id)]) {
      const answer = await post('/passages', { laneId: site.id, passages: [record] }, token);
      assert.deepEqual([answer.status, answer.body.error.code], [401, 'LANE_UNAUTHENTICATED'], String(token));
    }
    assert.equal(net.gateway.metrics.get('http.errors.LANE_UNAUTHENTICATED') - before, 4);
    assert.equal(await stored(record.id), false);
    const trust = await fetch(new URL('/api/lane/v1/trust?since=0', net.gateway.url));
    assert.equal(trust.status, 401);
  });

  it("when a lane posts another lane's passages with its own token, then 403 LANE_FORBIDDEN and nothing is stored", async () => {
    const [mine, theirs] = [net.metro(0), net.metro(1)];
    const record = passage('1'.repeat(32), theirs.id, 'entry', Date.now());
    const answer = await post('/passages', { laneId: theirs.id, passages: [record] }, laneApiTokenOf(net.network.mqttSecret, mine.id));
    assert.deepEqual([answer.status, answer.body.error.code], [403, 'LANE_FORBIDDEN']);
    const smuggled = await post('/passages', { laneId: mine.id, passages: [record] }, laneApiTokenOf(net.network.mqttSecret, mine.id));
    assert.deepEqual([smuggled.status, smuggled.body.error.code], [403, 'LANE_FORBIDDEN']);
    assert.equal(await stored(record.id), false);
    assert.equal(net.gateway.metrics.get('http.errors.LANE_FORBIDDEN'), 2);
  });
});
