import assert from 'node:assert/strict';
import { topics } from '../../protocol/topics.js';
import { connectMqtt, endMqtt } from '../../runtime/mqtt.js';
import { staffSession } from '../support/access.js';
import { enrolRider, passage, sendPassages, startTestGateway, T0, type TestGateway } from './support.js';

interface LiveEventSeen {
  event: string;
  data: any;
}

/** An open GET /api/live stream, collecting its events until closed. */
async function openStream(url: string, token: string | undefined) {
  const abort = new AbortController();
  const response = await fetch(`${url}/api/live`, { signal: abort.signal, headers: token ? { authorization: `Bearer ${token}` } : {} });
  assert.match(response.headers.get('content-type') ?? '', /text\/event-stream/);
  const reader = response.body!.getReader();
  await reader.read(); // the opening comment: subscribed from here on
  const events: LiveEventSeen[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  const reading = (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true as const }));
      if (done) return;
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
  })();
  return {
    events,
    /** Resolves once an event matches, or fails after timeoutMs. */
    async until(match: (event: LiveEventSeen) => boolean, timeoutMs = 5000): Promise<LiveEventSeen> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events.find(match);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no matching live event within ${timeoutMs} ms; saw ${events.map((seen) => seen.event).join(', ')}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async close() {
      abort.abort();
      await reading;
    },
  };
}

const laneReport = (laneId: string, mode: 'metro' | 'bus', extra: Record<string, unknown> = {}) => ({
  laneId,
  stationId: laneId,
  mode,
  ts: T0,
  trustVersion: 1,
  trustAgeMs: 100,
  outboxBacklog: 3,
  journalSeq: 9,
  decisions: { opened: 1, denied: 0, passed: 1, timedOut: 0 },
  invalidMessages: 0,
  hotStoreDegraded: false,
  ...extra,
});

const decisionAt = (site: string, decisionId: string) => ({ v: 1, ts: T0, site, device: `${site}-G1`, decisionId, direction: 'entry', action: 'deny', reason: 'TOKEN_DENIED', latencyUs: 800 });

describe('gateway live stream', () => {
  let t: TestGateway;
  beforeEach(async () => (t = await startTestGateway({ broker: true })));
  afterEach(async () => t.close());

  it('when lanes decide, forward passages and report, then the live stream carries decision, passage, journey and lane events', async () => {
    const rider = await enrolRider(t.api);
    const site = `LIVE${Date.now().toString(36)}`;
    const device = await connectMqtt(t.broker!.url);
    const stream = await openStream(t.gateway.url, t.api.token);
    try {
      await device.publishAsync(topics.laneDecision(site), 'not json', { qos: 0 });
      await device.publishAsync(topics.laneDecision(site), JSON.stringify(decisionAt(site, 'd1')), { qos: 0 });
      await sendPassages(t.api, [passage(rider.tokenId, 'B42-1', 'board', T0)]);
      assert.equal((await t.api.call('POST', '/api/lane/v1/status', laneReport('B42-1', 'bus'))).status, 204);
      // A shared broker may carry other lanes' traffic too: look for ours.
      await stream.until((e) => e.event === 'decision' && e.data.site === site);
      await stream.until((e) => e.event === 'passage' && e.data.tokenId === rider.tokenId);
      const journey = await stream.until((e) => e.event === 'journey' && e.data.tokenId === rider.tokenId);
      const lane = await stream.until((e) => e.event === 'lane' && e.data.laneId === 'B42-1' && e.data.outboxBacklog === 3);
      assert.equal(journey.data.fareMinor, 150);
      assert.deepEqual([lane.data.source, lane.data.staleness, lane.data.reportAgeMs, lane.data.devices], ['report', 'current', 0, []]);
      assert.ok(t.gateway.metrics.get('mqtt.invalid_messages') >= 1, 'garbage is counted, not fatal');
      const lanes = (await t.api.call('GET', '/api/lanes')).body.lanes;
      assert.deepEqual([lanes[0].laneId, lanes[0].staleness, lanes[0].reportedAt], ['B42-1', 'current', T0]);
    } finally {
      await stream.close();
      await endMqtt(device);
    }
  });

  it("when an operator's staff watch the stream, then they get their own sites' decisions, lanes and passages and their own journeys only", async () => {
    const rider = await enrolRider(t.api);
    const device = await connectMqtt(t.broker!.url);
    const network = await openStream(t.gateway.url, t.api.token);
    const metro = await openStream(t.gateway.url, (await staffSession(t.db.knex, { role: 'viewer', operatorId: 'metro', now: T0 })).token);
    try {
      // The bus first; the metro's last decision is the sign that everything before it has been sent.
      await device.publishAsync(topics.laneDecision('B42-1'), JSON.stringify(decisionAt('B42-1', 'bus-1')), { qos: 0 });
      await sendPassages(t.api, [passage(rider.tokenId, 'B42-1', 'board', T0)]);
      await t.api.call('POST', '/api/lane/v1/status', laneReport('B42-1', 'bus'));
      await sendPassages(t.api, [passage(rider.tokenId, 'M1-01', 'entry', T0 + 60_000), passage(rider.tokenId, 'M1-03', 'exit', T0 + 600_000)]);
      await t.api.call('POST', '/api/lane/v1/status', laneReport('M1-01', 'metro'));
      await device.publishAsync(topics.laneDecision('M1-01'), JSON.stringify(decisionAt('M1-01', 'metro-last')), { qos: 0 });
      const last = (e: LiveEventSeen) => e.event === 'decision' && e.data.decisionId === 'metro-last';
      await Promise.all([network.until(last), metro.until(last)]);
      await network.until((e) => e.event === 'journey' && e.data.operatorId === 'metro' && e.data.status === 'complete');
      await metro.until((e) => e.event === 'journey' && e.data.operatorId === 'metro' && e.data.status === 'complete');
      const aboutBus = (e: LiveEventSeen) => e.data.site === 'B42-1' || e.data.stationId === 'B42-1' || e.data.operatorId === 'bus';
      assert.deepEqual([...new Set(network.events.filter(aboutBus).map((e) => e.event))].sort(), ['decision', 'journey', 'lane', 'passage'], 'the network sees the bus');
      assert.deepEqual(metro.events.filter(aboutBus), [], 'the metro does not');
      assert.deepEqual([...new Set(metro.events.map((e) => e.event))].sort(), ['decision', 'journey', 'lane', 'passage']);
      const rider2 = await staffSession(t.db.knex, { role: 'viewer', operatorId: 'bus', now: T0 });
      const lanes = (await t.api.as(rider2.token).call('GET', '/api/lanes')).body.lanes;
      assert.deepEqual(lanes.map((lane: { laneId: string }) => lane.laneId), ['B42-1']);
    } finally {
      await network.close();
      await metro.close();
      await endMqtt(device);
    }
  });

  it('when a lane reports its devices and activity, then /api/lanes shows them with states that age: silent without news, offline when a device says so', async () => {
    const devices = [
      { deviceId: 'M1-02-G1', kind: 'turnstile', online: true, lastSeenAt: T0 - 2000 },
      { deviceId: 'M1-02-G2', kind: 'turnstile', online: false, lastSeenAt: T0 - 1000, lastFault: { code: 'POWER', severity: 'critical', at: T0 - 1500 } },
    ];
    const activity = { windowS: 60, decisions: 42, latencyP50Ms: 1.2, latencyP99Ms: 7.5 };
    assert.equal((await t.api.call('POST', '/api/lane/v1/status', laneReport('M1-02', 'metro', { devices, activity }))).status, 204);
    const now = async () => (await t.api.call('GET', '/api/lanes')).body.lanes.find((lane: { laneId: string }) => lane.laneId === 'M1-02');
    const fresh = await now();
    assert.deepEqual(fresh.activity, activity);
    assert.deepEqual(fresh.devices.map((device: any) => [device.deviceId, device.state, device.lastSeenAgeMs, device.lastFault?.code]), [
      ['M1-02-G1', 'online', 2000, undefined],
      ['M1-02-G2', 'offline', 1000, 'POWER'],
    ]);
    t.clock.advance(29_000);
    assert.deepEqual((await now()).devices.map((device: any) => device.state), ['silent', 'offline'], 'over 30 s without news');
    t.clock.advance(40_000);
    assert.equal((await now()).staleness, 'silent', 'the lane itself, past 60 s');
    const garbage = await t.api.call('POST', '/api/lane/v1/status', laneReport('M1-02', 'metro', { devices: [{ deviceId: 'bad id', lastSeenAt: T0 }] }));
    assert.deepEqual([garbage.status, garbage.body.error.code], [400, 'VALIDATION_FAILED']);
  });

  it('when staff open /, then they land on the console live page, which loads its script from the gateway', async () => {
    const page = await t.api.raw('GET', '/');
    assert.equal(page.status, 200);
    assert.match(page.body, /<title>Live · Turnpike<\/title>/);
    assert.match(page.body, /<div id="live" class="live" data-operator="" data-lane-silent-after-ms="60000" data-trust-stale-after-ms="300000" data-device-silent-after-ms="30000">/);
    assert.match(page.body, /<script type="module" src="\/live.js"><\/script>/);
    const script = await t.api.raw('GET', '/live.js');
    assert.match(script.headers.get('content-type') ?? '', /javascript/);
    assert.match(script.body, /new EventSource\('\/api\/live'\)/);
    const metroViewer = await staffSession(t.db.knex, { role: 'viewer', operatorId: 'metro', now: T0 });
    assert.match((await t.api.as(metroViewer.token).raw('GET', '/console')).body, /data-operator="metro"/);
  });
});
