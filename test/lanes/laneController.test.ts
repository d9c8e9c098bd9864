import assert from 'node:assert/strict';
import { MemoryHotStore } from '../../lanes/hotstate/memoryHotStore.js';
import { RedisHotStore } from '../../lanes/hotstate/redisHotStore.js';
import type { HotStore } from '../../lanes/hotstate/hotStore.js';
import type { LaneController } from '../../lanes/laneController.js';
import { uuidv7 } from '../../protocol/ids.js';
import { LaneReport } from '../../protocol/laneApi.js';
import { LaneDecision, LaneStatus } from '../../protocol/messages.js';
import { topics } from '../../protocol/topics.js';
import { connectMqtt, endMqtt } from '../../runtime/mqtt.js';
import { services, startTestBroker, temporaryDir, uniqueRedisPrefix, type TestBroker } from '../support/environment.js';
import { FakeGateway } from './support/fakeGateway.js';
import { TestIssuer } from './support/issuer.js';
import { frameOf, startLane, testLaneConfig, TestDevices, uniqueSiteId, waitFor } from './support/laneHarness.js';

describe('lane controller over MQTT', function () {
  let broker: TestBroker;
  let gateway: FakeGateway;
  let dir: ReturnType<typeof temporaryDir>;
  let issuer: TestIssuer;
  const cleanups: (() => Promise<void> | void)[] = [];

  beforeEach(async () => {
    broker = await startTestBroker();
    gateway = await new FakeGateway().start();
    dir = temporaryDir('turnpike-lane-');
    issuer = TestIssuer.around(Date.now());
    gateway.addTrustChange(issuer.keyAdd(1));
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await gateway.close();
    await broker.close();
    dir.remove();
  });

  async function lane(overrides: Parameters<typeof testLaneConfig>[0] extends infer T ? Partial<T> : never = {}, hotStore?: HotStore) {
    const siteId = overrides.siteId ?? uniqueSiteId();
    const config = testLaneConfig({ gatewayUrl: gateway.url, mqttUrl: broker.url, journalDir: dir.path, ...overrides, siteId });
    const controller = await startLane({ config, hotStore });
    cleanups.push(() => controller.close());
    const devices = await TestDevices.connect(broker.url, siteId);
    cleanups.push(() => devices.close());
    return { controller, devices, siteId, config };
  }

  it('when a valid code is scanned, then the gate is told to open with an expiry, and monitors see the decision with its latency', async () => {
    const { devices, siteId, controller } = await lane();
    const monitor = await connectMqtt(broker.url);
    cleanups.push(() => endMqtt(monitor));
    const decisions: LaneDecision[] = [];
    monitor.on('message', (_topic, payload) => decisions.push(LaneDecision.parse(JSON.parse(payload.toString()))));
    await monitor.subscribeAsync(topics.laneDecision(siteId), { qos: 0 });
    const command = await devices.scan(`${siteId}-G1`, { code: issuer.wallet(Date.now()).code() });
    assert.equal(command.action, 'open');
    assert.equal(command.reason, undefined);
    assert.equal(command.expiresAt, command.ts + 2000);
    assert.equal(command.openForMs, 8000);
    assert.equal(command.message, 'Please pass');
    await waitFor(() => decisions.length === 1, 'the lane decision');
    assert.equal(decisions[0].decisionId, command.decisionId);
    assert.ok(decisions[0].latencyUs > 0 && decisions[0].latencyUs < 1_000_000);
    assert.equal(controller.stats().decisions.opened, 1);
  });

  it('when a code is denied, then the command carries the stable reason and its display text', async () => {
    const { devices, siteId } = await lane();
    const command = await devices.scan(`${siteId}-G1`, { code: issuer.wallet(Date.now()).code(Date.now() - 120_000) });
    assert.deepEqual([command.action, command.reason, command.message], ['deny', 'CODE_STALE', 'Code expired - show a fresh code']);
    assert.equal(command.openForMs, undefined);
  });

  it('when codes are denied, then the lane reports its denials by reason to the gateway, counted since the lane started', async () => {
    const startedAt = Date.now();
    const { devices, siteId } = await lane({ statusIntervalMs: 200 });
    const wallet = issuer.wallet(Date.now());
    for (let i = 0; i < 2; i += 1) assert.equal((await devices.scan(`${siteId}-G1`, { code: wallet.code(Date.now() - 120_000) })).reason, 'CODE_STALE');
    await waitFor(() => gateway.reports.some((report) => report.laneId === siteId && report.deniedByReason?.CODE_STALE === 2), 'a report with both denials');
    const report = gateway.reports.filter((one) => one.laneId === siteId).at(-1)!;
    assert.deepEqual(report.deniedByReason, { CODE_STALE: 2 });
    assert.ok(report.countersSince! >= startedAt && report.countersSince! <= report.ts, 'counted since the lane started');
  });

  it('when a lane restarts after denials the gateway was never told of, then its first report counts exactly those, and none twice', async () => {
    const { controller, devices, siteId, config } = await lane({ statusIntervalMs: 200 });
    const wallet = issuer.wallet(Date.now());
    const stale = async () => assert.equal((await devices.scan(`${siteId}-G1`, { code: wallet.code(Date.now() - 120_000) })).reason, 'CODE_STALE');
    for (let i = 0; i < 2; i += 1) await stale();
    await waitFor(() => gateway.reports.some((report) => report.laneId === siteId && report.deniedByReason?.CODE_STALE === 2), 'a report with the first two denials');
    // Reports stop reaching the gateway; three more denials are only in the lane's memory and journal.
    gateway.down = true;
    const reportsBefore = gateway.reports.length;
    for (let i = 0; i < 3; i += 1) await stale();
    await new Promise((resolve) => setTimeout(resolve, 500));
    await controller.close();
    gateway.down = false;
    const first = gateway.reports.filter((one) => one.laneId === siteId).at(-1)!;
    assert.equal(gateway.reports.length, reportsBefore, 'no report got through while the gateway was down');
    const restarted = await startLane({ config });
    cleanups.push(() => restarted.close());
    await waitFor(() => gateway.reports.some((report) => report.laneId === siteId && report.countersSince !== first.countersSince), 'a report from the restarted lane');
    const next = gateway.reports.find((report) => report.laneId === siteId && report.countersSince !== first.countersSince)!;
    assert.deepEqual(next.deniedByReason, { CODE_STALE: 3 });
    assert.equal(next.decisions.denied, 3);
  });

  it('when the same code is shown at two gates of the station, then only the first opens', async () => {
    const { devices, siteId } = await lane();
    const code = issuer.wallet(Date.now()).code();
    assert.equal((await devices.scan(`${siteId}-G1`, { code })).action, 'open');
    const second = await devices.scan(`${siteId}-G2`, { code });
    assert.deepEqual([second.action, second.reason], ['deny', 'CODE_ALREADY_USED']);
  });

  it('when two lane controllers of one station share a hot store, then a code used at one is refused at the other', async () => {
    const shared: HotStore = services.redisUrl ? new RedisHotStore({ url: services.redisUrl, prefix: uniqueRedisPrefix() }) : new MemoryHotStore();
    await shared.start();
    cleanups.push(() => shared.close());
    const stationId = uniqueSiteId('S');
    const north = await lane({ stationId }, shared);
    const south = await lane({ stationId }, shared);
    const code = issuer.wallet(Date.now()).code();
    assert.equal((await north.devices.scan(`${north.siteId}-G1`, { code })).action, 'open');
    assert.equal((await south.devices.scan(`${south.siteId}-G1`, { code })).reason, 'CODE_ALREADY_USED');
  });

  it('when a rider who entered scans to enter again, then PASSBACK_ENTRY_AFTER_ENTRY; after an exit, entry opens again', async () => {
    const { devices, siteId, controller } = await lane();
    const wallet = issuer.wallet(Date.now());
    const gate = `${siteId}-G1`;
    const entry = await devices.scan(gate, { code: wallet.code() });
    await devices.passage(gate, entry.decisionId);
    await waitFor(() => controller.stats().decisions.passed === 1, 'the passage');
    const again = await devices.scan(gate, { code: wallet.code() });
    assert.equal(again.reason, 'PASSBACK_ENTRY_AFTER_ENTRY');
    const exit = await devices.scan(`${siteId}-G2`, { code: wallet.code() }, 'exit');
    assert.equal(exit.action, 'open');
    await devices.passage(`${siteId}-G2`, exit.decisionId);
    await waitFor(() => controller.stats().decisions.passed === 2, 'the exit passage');
    assert.equal((await devices.scan(gate, { code: wallet.code() })).action, 'open');
  });

  it('when a rider exits without having entered, then the gate opens (the gateway prices it)', async () => {
    const { devices, siteId } = await lane();
    assert.equal((await devices.scan(`${siteId}-G1`, { code: issuer.wallet(Date.now()).code() }, 'exit')).action, 'open');
  });

  it('when a gate opens and the device confirms, then exactly that passage reaches the gateway; without confirmation nothing does', async () => {
    const { devices, siteId, controller } = await lane();
    const gate = `${siteId}-G1`;
    const confirmed = await devices.scan(gate, { code: issuer.wallet(Date.now()).code() });
    await devices.scan(gate, { code: issuer.wallet(Date.now()).code() }); // nobody walks through
    assert.equal(gateway.passages.size, 0);
    await devices.passage(gate, confirmed.decisionId);
    await gateway.waitForPassages(1);
    await controller.outboxDrained();
    const passage = gateway.passages.get(confirmed.decisionId)!;
    assert.deepEqual([passage.laneId, passage.laneSeq, passage.deviceId, passage.direction, passage.mode], [siteId, 1, gate, 'entry', 'metro']);
    assert.equal(gateway.passages.size, 1);
  });

  it('when the gate times out, then nothing is recorded and nobody is charged', async () => {
    const { devices, siteId, controller } = await lane();
    const gate = `${siteId}-G1`;
    const command = await devices.scan(gate, { code: issuer.wallet(Date.now()).code() });
    await devices.passage(gate, command.decisionId, 'timeout');
    await waitFor(() => controller.stats().decisions.timedOut === 1, 'the timeout');
    await devices.passage(gate, command.decisionId, 'passed');
    await waitFor(() => controller.stats().duplicatePassages === 1, 'the late pass');
    assert.equal(controller.stats().journalSeq, 0);
    assert.equal(gateway.passages.size, 0);
  });

  it('when a scan and a passage are redelivered, then the same command is sent again and nothing is decided or recorded twice', async () => {
    const { devices, siteId, controller } = await lane();
    const gate = `${siteId}-G1`;
    const msgId = uuidv7();
    const code = issuer.wallet(Date.now()).code();
    const first = await devices.scan(gate, { code, msgId });
    const second = await devices.scan(gate, { code, msgId });
    assert.deepEqual(second, first);
    const passageMsgId = uuidv7();
    await devices.passage(gate, first.decisionId, 'passed', passageMsgId);
    await devices.passage(gate, first.decisionId, 'passed', passageMsgId);
    await waitFor(() => controller.stats().duplicatePassages === 1, 'the redelivered passage');
    const stats = controller.stats();
    assert.deepEqual([stats.decisions.opened, stats.decisions.denied, stats.decisions.passed, stats.duplicateScans, stats.journalSeq], [1, 0, 1, 1, 1]);
  });

  it('when garbage arrives on the lane topics, then it is counted and the lane keeps serving', async () => {
    const { devices, siteId, controller } = await lane({ maxPayloadBytes: 10_000 });
    const publish = (topic: string, payload: string | Buffer) => devices.client.publishAsync(topic, payload, { qos: 1 });
    await publish(topics.deviceEvent(siteId, 'G1', 'scan'), 'not json');
    await publish(topics.deviceEvent(siteId, 'G1', 'scan'), JSON.stringify({ v: 1, msgId: 'x', ts: 1, direction: 'sideways', code: 'TP1.' }));
    await publish(topics.deviceEvent(siteId, 'G1', 'passage'), JSON.stringify({ v: 1, msgId: 'x', ts: 1 }));
    await publish(`tp/1/${siteId}/G1/evt/teleport`, '{}');
    await publish(topics.deviceEvent(siteId, 'G1', 'heartbeat'), Buffer.alloc(20_000, 32));
    await publish(topics.trustDelta(), '{"kind":"key.add"}');
    await publish(topics.deviceStatus(siteId, 'G1'), '[]');
    await waitFor(() => controller.stats().invalidMessages === 7, 'seven invalid messages');
    assert.equal((await devices.scan(`${siteId}-G1`, { code: issuer.wallet(Date.now()).code() })).action, 'open');
  });

  it('when a device sends heartbeats, faults and statuses, then the lane keeps track of it', async () => {
    const { devices, siteId, controller } = await lane();
    const device = `${siteId}-G1`;
    await devices.client.publishAsync(topics.deviceEvent(siteId, device, 'heartbeat'), JSON.stringify({ v: 1, msgId: uuidv7(), ts: Date.now(), kind: 'turnstile' }), { qos: 1 });
    await devices.client.publishAsync(topics.deviceEvent(siteId, device, 'fault'), JSON.stringify({ v: 1, msgId: uuidv7(), ts: Date.now(), code: 'JAM', severity: 'warning' }), { qos: 1 });
    await waitFor(() => controller.stats().faults === 1, 'the fault');
    await devices.client.publishAsync(topics.deviceStatus(siteId, device), JSON.stringify({ v: 1, ts: Date.now(), online: false }), { qos: 1 });
    await waitFor(() => controller.stats().devices[0]?.online === false, 'the offline status');
    assert.equal(controller.stats().devices[0].lastFault?.code, 'JAM');
  });

  it('when a lane reports to the gateway, then the report names its devices and the last minute of decisions with their latency', async () => {
    const { devices, siteId } = await lane({ statusIntervalMs: 100 });
    const gate = `${siteId}-G2`;
    await devices.client.publishAsync(topics.deviceEvent(siteId, gate, 'heartbeat'), JSON.stringify({ v: 1, msgId: uuidv7(), ts: Date.now(), kind: 'turnstile' }), { qos: 1 });
    await devices.client.publishAsync(topics.deviceEvent(siteId, gate, 'fault'), JSON.stringify({ v: 1, msgId: uuidv7(), ts: Date.now(), code: 'FLAP_SLOW', severity: 'warning' }), { qos: 1 });
    // A retained status on a topic whose device id no report may carry: left out, not fatal.
    await devices.client.publishAsync(`tp/1/${siteId}/bad device/status`, JSON.stringify({ v: 1, ts: Date.now(), online: true }), { qos: 1 });
    assert.equal((await devices.scan(gate, { code: issuer.wallet(Date.now()).code() })).action, 'open');
    assert.equal((await devices.scan(gate, { code: issuer.wallet(Date.now()).code(Date.now() - 120_000) })).action, 'deny');
    let report: LaneReport | undefined;
    await waitFor(() => Boolean((report = gateway.reports.map((raw) => LaneReport.parse(raw)).find((one) => one.activity?.decisions === 2 && one.devices?.some((device) => device.lastFault)))), 'a report with both decisions and the fault');
    if (!report) return assert.fail('no report');
    assert.equal(report.activity!.windowS, 60);
    assert.ok(report.activity!.latencyP50Ms! > 0 && report.activity!.latencyP50Ms! <= report.activity!.latencyP99Ms!, JSON.stringify(report.activity));
    assert.deepEqual(report.devices!.map((device) => [device.deviceId, device.kind, device.online, device.lastFault?.code]), [[gate, 'turnstile', true, 'FLAP_SLOW']]);
    assert.ok(Math.abs(report.devices![0]!.lastSeenAt - Date.now()) < 10_000);
  });

  it('when a scan carries a camera frame, then the lane reads the code from it; an empty frame is FRAME_UNREADABLE', async () => {
    const { devices, siteId } = await lane();
    const opened = await devices.scan(`${siteId}-G1`, { frame: frameOf(issuer.wallet(Date.now()).code()) });
    assert.equal(opened.action, 'open');
    const blank = { width: 64, height: 64, format: 'gray8' as const, data: Buffer.alloc(64 * 64, 200).toString('base64') };
    assert.equal((await devices.scan(`${siteId}-G1`, { frame: blank })).reason, 'FRAME_UNREADABLE');
  });

  it('when the gateway is down, then confirmed passages wait in the outbox and are delivered once it is back', async () => {
    const { devices, siteId, controller } = await lane();
    gateway.down = true;
    const gate = `${siteId}-G1`;
    for (let i = 0; i < 3; i++) {
      const command = await devices.scan(gate, { code: issuer.wallet(Date.now()).code() });
      await devices.passage(gate, command.decisionId);
    }
    await waitFor(() => controller.stats().decisions.passed === 3, 'three confirmed passages');
    const failures = controller.stats().outboxSendFailures;
    await waitFor(() => controller.stats().outboxSendFailures > failures, 'a failed retry');
    assert.equal(controller.stats().outboxBacklog, 3);
    gateway.down = false;
    await gateway.waitForPassages(3);
    await controller.outboxDrained();
    assert.deepEqual([...gateway.passages.values()].map((passage) => passage.laneSeq).sort(), [1, 2, 3]);
    assert.equal(controller.stats().outboxBacklog, 0);
  });

  it('when the gateway rejects a passage, then it is flagged and not retried, and the others go through', async () => {
    const { devices, siteId, controller } = await lane();
    const gate = `${siteId}-G1`;
    const refused = await devices.scan(gate, { code: issuer.wallet(Date.now()).code() });
    gateway.rejectIds.add(refused.decisionId);
    await devices.passage(gate, refused.decisionId);
    await waitFor(() => controller.stats().outboxRejected === 1, 'the rejection');
    const deliveries = gateway.deliveries;
    const accepted = await devices.scan(gate, { code: issuer.wallet(Date.now()).code() });
    await devices.passage(gate, accepted.decisionId);
    await gateway.waitForPassages(1);
    assert.equal(gateway.deliveries, deliveries + 1);
  });

  it('when the lane starts and closes, then its retained status says online, then offline', async () => {
    const { siteId, controller } = await lane();
    const watcher = await connectMqtt(broker.url);
    cleanups.push(() => endMqtt(watcher));
    const statuses: LaneStatus[] = [];
    watcher.on('message', (_topic, payload) => statuses.push(LaneStatus.parse(JSON.parse(payload.toString()))));
    await watcher.subscribeAsync(topics.laneStatus(siteId), { qos: 1 });
    await waitFor(() => statuses.length === 1, 'the retained status');
    assert.deepEqual([statuses[0].online, statuses[0].trustVersion, statuses[0].hotStoreDegraded], [true, 1, false]);
    await controller.close();
    await waitFor(() => statuses.length === 2, 'the offline status');
    assert.equal(statuses[1].online, false);
    assert.equal(gateway.reports.length >= 1, true);
  });

  it('when several lanes share one MQTT client, then each answers only its own devices', async () => {
    const client = await connectMqtt(broker.url);
    cleanups.push(() => endMqtt(client));
    const store = new MemoryHotStore();
    const siteA = uniqueSiteId();
    const siteB = uniqueSiteId();
    for (const siteId of [siteA, siteB]) {
      const config = testLaneConfig({ siteId, gatewayUrl: gateway.url, mqttUrl: broker.url, journalDir: dir.path });
      const controller = await startLane({ config, mqtt: client, hotStore: store });
      cleanups.push(() => controller.close());
    }
    const devicesA = await TestDevices.connect(broker.url, siteA);
    cleanups.push(() => devicesA.close());
    const command = await devicesA.scan(`${siteA}-G1`, { code: issuer.wallet(Date.now()).code() });
    assert.equal(command.action, 'open');
    assert.equal(devicesA.commands.length, 1);
  });

  describe('trust copy', () => {
    it('when a deny-list change is pushed at the next version, then the token is refused at once', async () => {
      const { devices, siteId, controller } = await lane();
      const wallet = issuer.wallet(Date.now());
      const change = gateway.addTrustChange({ at: Date.now(), kind: 'deny.add', tokenId: wallet.credential!.tokenId, reason: 'arrears' });
      await devices.client.publishAsync(topics.trustDelta(), JSON.stringify(change), { qos: 1 });
      await waitFor(() => controller.stats().trustVersion === 2, 'the pushed change');
      assert.equal((await devices.scan(`${siteId}-G1`, { code: wallet.code() })).reason, 'TOKEN_DENIED');
    });

    it('when a pushed change skips a version, then the lane catches up over HTTP', async () => {
      const { devices, controller } = await lane();
      const wallet = issuer.wallet(Date.now());
      gateway.addTrustChange({ at: Date.now(), kind: 'deny.add', tokenId: wallet.credential!.tokenId, reason: 'arrears' });
      const third = gateway.addTrustChange({ at: Date.now(), kind: 'deny.remove', tokenId: wallet.credential!.tokenId });
      const requests = gateway.trustRequests;
      await devices.client.publishAsync(topics.trustDelta(), JSON.stringify(third), { qos: 1 });
      await waitFor(() => controller.stats().trustVersion === 3, 'the catch-up');
      assert.ok(gateway.trustRequests > requests);
    });

    it('when a lane restarts while the gateway is down, then it decides on its persisted trust copy and knows how stale it is', async () => {
      const siteId = uniqueSiteId();
      const first = await lane({ siteId });
      await first.controller.close();
      gateway.down = true;
      const second = await lane({ siteId });
      const stats = second.controller.stats();
      assert.equal(stats.trustVersion, 1);
      assert.equal(stats.trustStale, false);
      assert.ok(stats.trustAgeMs !== null && stats.trustAgeMs >= 0);
      assert.equal((await second.devices.scan(`${siteId}-G1`, { code: issuer.wallet(Date.now()).code() })).action, 'open');
    });

    it('when the trust copy is stale, then the stricter offline limit applies', async () => {
      gateway.down = true;
      const { devices, siteId, controller } = await lane({ staleRequiredOfflineLimitMinor: 1000 });
      assert.equal(controller.stats().trustStale, true);
      gateway.down = false;
      assert.equal(await controller.syncTrust(), true);
      const low = issuer.wallet(Date.now(), { offlineLimitMinor: 500 });
      assert.equal((await devices.scan(`${siteId}-G1`, { code: low.code() })).action, 'open');
      const unlimited = issuer.wallet(Date.now(), { offlineLimitMinor: 0 });
      assert.equal((await devices.scan(`${siteId}-G1`, { code: unlimited.code() })).reason, 'OFFLINE_LIMIT_EXCEEDED');
    });
  });

  it('when a lane has never reached the gateway, then it knows no issuer key and refuses codes as KEY_UNKNOWN', async () => {
    gateway.down = true;
    const { devices, siteId } = await lane();
    // No keys at all yet: the lane cannot know the issuer.
    assert.equal((await devices.scan(`${siteId}-G1`, { code: issuer.wallet(Date.now()).code() })).reason, 'KEY_UNKNOWN');
  });
});
