import assert from 'node:assert/strict';
import { topics } from '../../protocol/topics.js';
import { connectMqtt, endMqtt } from '../../runtime/mqtt.js';
import { enrolRider, passage, sendPassages, startTestGateway, T0, type TestGateway } from './support.js';

/** Read server-sent events from GET /api/live until `done` says enough. */
async function readEvents(url: string, token: string | undefined, opened: () => Promise<void>, done: (events: Array<{ event: string; data: any }>) => boolean): Promise<Array<{ event: string; data: any }>> {
  const abort = new AbortController();
  const response = await fetch(`${url}/api/live`, { signal: abort.signal, headers: token ? { authorization: `Bearer ${token}` } : {} });
  assert.match(response.headers.get('content-type') ?? '', /text\/event-stream/);
  const reader = response.body!.getReader();
  const events: Array<{ event: string; data: any }> = [];
  let buffer = '';
  const decoder = new TextDecoder();
  const timer = setTimeout(() => abort.abort(), 5000);
  try {
    await reader.read(); // the opening comment: subscribed from here on
    await opened();
    while (!done(events)) {
      const { value, done: ended } = await reader.read();
      if (ended) break;
      buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) });
      }
    }
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  return events;
}

describe('gateway live stream', () => {
  let t: TestGateway;
  beforeEach(async () => (t = await startTestGateway({ broker: true })));
  afterEach(async () => t.close());

  it('when lanes decide, forward passages and report, then the live stream carries decision, passage, journey and lane events', async () => {
    const rider = await enrolRider(t.api);
    const site = `LIVE${Date.now().toString(36)}`;
    const device = await connectMqtt(t.broker!.url);
    const ours = {
      decision: (e: { event: string; data: any }) => e.event === 'decision' && e.data.site === site,
      passage: (e: { event: string; data: any }) => e.event === 'passage' && e.data.tokenId === rider.tokenId,
      journey: (e: { event: string; data: any }) => e.event === 'journey' && e.data.tokenId === rider.tokenId,
      lane: (e: { event: string; data: any }) => e.event === 'lane' && e.data.laneId === 'B42-1' && e.data.outboxBacklog === 3,
    };
    try {
      const events = await readEvents(
        t.gateway.url,
        t.api.token,
        async () => {
          const decision = { v: 1, ts: T0, site, device: `${site}-G1`, decisionId: 'd1', direction: 'entry', action: 'deny', reason: 'TOKEN_DENIED', latencyUs: 800 };
          await device.publishAsync(topics.laneDecision(site), 'not json', { qos: 0 });
          await device.publishAsync(topics.laneDecision(site), JSON.stringify(decision), { qos: 0 });
          await sendPassages(t.api, [passage(rider.tokenId, 'B42-1', 'board', T0)]);
          const report = { laneId: 'B42-1', stationId: 'B42-1', mode: 'bus', ts: T0, trustVersion: 1, trustAgeMs: 100, outboxBacklog: 3, journalSeq: 9, decisions: { opened: 1, denied: 0, passed: 1, timedOut: 0 }, invalidMessages: 0, hotStoreDegraded: false };
          assert.equal((await t.api.call('POST', '/api/lane/v1/status', report)).status, 204);
        },
        (seen) => Object.values(ours).every((match) => seen.some(match)),
      );
      // A shared broker may carry other lanes' traffic too: look for ours.
      assert.ok(Object.values(ours).every((match) => events.some(match)));
      assert.equal(events.find(ours.journey)!.data.fareMinor, 150);
      assert.ok(t.gateway.metrics.get('mqtt.invalid_messages') >= 1, 'garbage is counted, not fatal');
      const lanes = (await t.api.call('GET', '/api/lanes')).body.lanes;
      assert.deepEqual([lanes[0].laneId, lanes[0].staleness, lanes[0].reportedAt], ['B42-1', 'current', T0]);
    } finally {
      await endMqtt(device);
    }
  });

  it('when a browser opens /, then the live page and its script are served', async () => {
    const page = await t.api.raw('GET', '/');
    assert.equal(page.status, 200);
    assert.match(page.body, /<title>Turnpike/);
    const script = await t.api.raw('GET', '/live.js');
    assert.match(script.headers.get('content-type') ?? '', /javascript/);
    assert.match(script.body, /EventSource\('\/api\/live'\)/);
  });
});
