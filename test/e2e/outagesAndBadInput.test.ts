import assert from 'node:assert/strict';
import { credentialsOf } from '../../protocol/mqttAccess.js';
import { connectMqtt, endMqtt } from '../../runtime/mqtt.js';
import { topics } from '../../protocol/topics.js';
import { parseLaneConfig } from '../../lanes/config.js';
import { LaneController } from '../../lanes/laneController.js';
import { silentLogger } from '../../lanes/log.js';
import { GateQueue } from '../../simulator/people/gateQueue.js';
import { services, temporaryDir } from '../support/environment.js';
import { eventually, TestNetwork } from '../support/testNetwork.js';

describe('outages and bad input', function () {
  this.timeout(120_000);
  let net: TestNetwork;

  beforeEach(async () => {
    net = await new TestNetwork({ metroStations: 3, buses: 1 }).start();
  });
  afterEach(async () => {
    await net?.close();
  });

  it('when the gateway is unreachable, then gates keep deciding, and every passage arrives once, in lane order, when it returns', async () => {
    const riders = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => net.rider(20_000, `Outage rider ${i}`)));
    await net.network.stopGateway();
    const queue = new GateQueue();
    const confirmed: string[] = [];
    // Each rider goes in at station 0 and out at station 2, three times, all while the gateway is away.
    await Promise.all(
      riders.map(async (rider, index) => {
        for (let trip = 0; trip < 3; trip++) {
          for (const [site, direction] of [[net.metro(0), 'entry'], [net.metro(2), 'exit']] as const) {
            const gate = net.gate(site, index % 4);
            await queue.run(gate.deviceId, async () => {
              const { command } = await gate.scan({ code: rider.phone.code() }, direction);
              assert.equal(command.action, 'open', command.reason);
              await gate.walkThrough();
              confirmed.push(command.decisionId);
            });
          }
          // Time outside between trips: the exit lane records the exit before the rider comes back.
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      }),
    );
    const backlog = () => [net.metro(0), net.metro(2)].map((site) => net.lane(site).stats().outboxBacklog);
    await eventually(() => backlog().reduce((a, b) => a + b, 0) === confirmed.length, 5000, 'all passages in the outboxes');
    await net.network.startGateway();
    await eventually(() => backlog().every((n) => n === 0), 20_000, 'the outboxes to drain');

    const rows = await net.gateway.knex('passages').whereIn('id', confirmed).select('id', 'lane_id', 'lane_seq', 'passed_at', 'received_at');
    assert.equal(rows.length, confirmed.length);
    for (const site of [net.metro(0), net.metro(2)]) {
      const own = rows.filter((row) => row.lane_id === site.id).sort((a, b) => Number(a.received_at) - Number(b.received_at) || Number(a.lane_seq) - Number(b.lane_seq));
      assert.deepEqual(own.map((row) => Number(row.lane_seq)), own.map((_, index) => index + 1), `${site.id} arrived in lane order`);
    }
    for (const rider of riders) {
      const { journeys } = await eventually(async () => {
        const body = await net.getJson(`/api/riders/${rider.riderId}/journeys`);
        return body.journeys.filter((j: { status: string }) => j.status === 'complete').length === 3 ? body : undefined;
      }, 10_000, 'three complete journeys per rider');
      assert.equal(journeys.length, 3);
    }
  });

  it('when garbage arrives on device topics, then each message is counted as invalid and the lane keeps serving', async () => {
    const site = net.metro(1);
    const lane = net.lane(site);
    const before = lane.stats().invalidMessages;
    const device = `${site.id}-X9`;
    const client = await connectMqtt(net.network.mqttUrl, { clientId: `garbage-${Date.now()}`, ...credentialsOf(net.network.mqttSecret, { role: 'device', site: site.id, device }) });
    try {
      const garbage: Array<[string, string | Buffer]> = [
        [topics.deviceEvent(site.id, device, 'scan'), 'not json at all'],
        [topics.deviceEvent(site.id, device, 'scan'), JSON.stringify({ v: 1, msgId: 'm1', ts: 1, direction: 'sideways', code: 'TP1.x' })],
        [topics.deviceEvent(site.id, device, 'scan'), JSON.stringify({ v: 2, msgId: 'm2', ts: 1, direction: 'entry', code: 'TP1.x' })],
        [topics.deviceEvent(site.id, device, 'passage'), JSON.stringify({ v: 1, msgId: 'm3', ts: 1 })],
        [topics.deviceEvent(site.id, device, 'heartbeat'), '[]'],
        [`tp/1/${site.id}/${device}/evt/teleport`, '{}'],
        [topics.deviceEvent(site.id, device, 'scan'), Buffer.alloc(2_000_000, 0x41)],
        [topics.deviceEvent(site.id, device, 'scan'), Buffer.from([0xff, 0xfe, 0x00, 0x01])],
      ];
      for (const [topic, payload] of garbage) await client.publishAsync(topic, payload, { qos: 1 });
      await eventually(() => lane.stats().invalidMessages - before >= garbage.length, 5000, 'every bad message to be counted');
    } finally {
      await endMqtt(client);
    }
    const rider = await net.rider();
    const answer = await net.gate(site, 0).scan({ code: rider.phone.code() }, 'entry');
    assert.equal(answer.command.action, 'open');
    await net.gate(site, 0).walkThrough();
  });

  it('when a code is oversized or malformed, then the gate gets the specific deny reason', async () => {
    const gate = net.gate(net.metro(0), 3);
    const cases: Array<[string, string]> = [
      ['TP1.' + 'A'.repeat(3000), 'CODE_TOO_LARGE'],
      ['https://example.com/not-a-ride-code', 'FORMAT_INVALID'],
      ['TP1.AQ', 'FORMAT_INVALID'],
      ['TP1.AAEC', 'VERSION_UNSUPPORTED'],
      ['TP7.AAAA', 'VERSION_UNSUPPORTED'],
    ];
    for (const [code, reason] of cases) {
      const { command } = await gate.scan({ code }, 'entry');
      assert.deepEqual([command.action, command.reason], ['deny', reason], code.slice(0, 40));
    }
  });

  it('when two lane controllers serve one large station, then a code used at one is refused at the other', async () => {
    const site = net.metro(0);
    const dir = temporaryDir('turnpike-second-lane-');
    // A second controller for the same station (its own site id and devices), sharing the hot store.
    const second = new LaneController({
      config: parseLaneConfig({ ...net.network.laneConfigFor(site), siteId: `${site.id}-B`, mqttClientId: `turnpike-lane-${site.id}-B`, journalFile: `${dir.path}/lane.sqlite` }),
      hotStore: services.redisUrl ? undefined : net.network.sharedHotStore,
      logger: silentLogger,
    });
    await second.start();
    const client = await connectMqtt(net.network.mqttUrl, { clientId: `second-gate-${Date.now()}`, ...credentialsOf(net.network.mqttSecret, { role: 'device', site: `${site.id}-B`, device: 'G9' }) });
    try {
      const rider = await net.rider();
      const code = rider.phone.code();
      const first = await net.gate(site, 0).scan({ code }, 'entry');
      assert.equal(first.command.action, 'open');
      const answered = new Promise<{ reason?: string }>((resolve) => client.on('message', (_topic, payload) => resolve(JSON.parse(payload.toString()))));
      await client.subscribeAsync(topics.gateCommand(`${site.id}-B`, 'G9'), { qos: 1 });
      await client.publishAsync(topics.deviceEvent(`${site.id}-B`, 'G9', 'scan'), JSON.stringify({ v: 1, msgId: `scan-${Date.now()}`, ts: Date.now(), direction: 'entry', code }), { qos: 1 });
      assert.equal((await answered).reason, 'CODE_ALREADY_USED');
    } finally {
      await endMqtt(client);
      await second.close();
      dir.remove();
    }
  });
});
