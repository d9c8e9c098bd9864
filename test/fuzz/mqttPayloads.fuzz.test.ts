import assert from 'node:assert/strict';
import fc from 'fast-check';
import { GateCommand } from '../../protocol/messages.js';
import { topics, type DeviceEventKind } from '../../protocol/topics.js';
import { connectMqtt, endMqtt } from '../../runtime/mqtt.js';
import { eventually, TestNetwork } from '../support/testNetwork.js';

/**
 * Every device topic of a lane, fed payloads generated from the message schemas and broken in
 * every way fast-check finds: fields removed, replaced by any JSON value, wrong versions, huge
 * or non-UTF-8 payloads, random bytes. The lane must count what it refuses, open no gate for any
 * of it, and go on deciding real scans as before.
 */
const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 300);

const validOf = (kind: DeviceEventKind, msgId: string, ts: number): Record<string, unknown> => {
  switch (kind) {
    case 'scan':
      return { v: 1, msgId, ts, direction: 'entry', code: 'TP1.AQEAAAAA' };
    case 'passage':
      return { v: 1, msgId, ts, decisionId: '0190a0b0-0000-7000-8000-000000000000', outcome: 'passed', count: 1 };
    case 'heartbeat':
      return { v: 1, msgId, ts, kind: 'turnstile', uptimeS: 10 };
    case 'fault':
      return { v: 1, msgId, ts, code: 'JAM', severity: 'warning' };
    default:
      // Toll device events (protocol/toll.ts) at a gate lane: refused as unknown there.
      return { v: 1, msgId, ts, lane: '1', at: ts };
  }
};

/** A valid message with one field removed or replaced by any JSON value. */
const brokenMessage = (kind: DeviceEventKind) =>
  fc.tuple(fc.uuid(), fc.nat(), fc.oneof(fc.constant<'remove'>('remove'), fc.jsonValue({ maxDepth: 3 })), fc.nat()).map(([msgId, ts, replacement, pick]) => {
    const message = validOf(kind, msgId, ts);
    const keys = Object.keys(message);
    const key = keys[pick % keys.length];
    if (replacement === 'remove') delete message[key];
    else message[key] = replacement;
    return Buffer.from(JSON.stringify(message));
  });

/** A well-formed scan whose code is anything: garbage, a forged-looking TP1 text, bytes in base64url. */
const scanWithAnyCode = fc
  .tuple(fc.uuid(), fc.oneof(fc.string({ maxLength: 400 }), fc.base64String({ maxLength: 380 }).map((text) => `TP1.${text.replaceAll('+', '-').replaceAll('/', '_').replaceAll('=', '')}`)))
  .map(([msgId, code]) => Buffer.from(JSON.stringify({ v: 1, msgId, ts: Date.now(), direction: 'entry', code })));

const anyPayload = (kind: DeviceEventKind) =>
  fc.oneof(
    { weight: kind === 'scan' ? 4 : 0, arbitrary: scanWithAnyCode },
    { weight: 4, arbitrary: brokenMessage(kind) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => Buffer.from(JSON.stringify(value) ?? 'null')) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 300 }).map((text) => Buffer.from(text)) },
    { weight: 1, arbitrary: fc.uuid().map((msgId) => Buffer.from(JSON.stringify({ ...validOf(kind, msgId, 1), v: 2 }))) },
  );

describe('fuzzing MQTT payloads at a lane', function () {
  this.timeout(180_000);
  let net: TestNetwork;

  before(async () => {
    net = await new TestNetwork({ metroStations: 2, buses: 0 }).start();
  });
  after(async () => {
    await net?.close();
  });

  it('when any payload arrives on any device topic, then none opens a gate, refusals are counted, and real scans are still decided', async () => {
    const site = net.metro(0);
    const lane = net.lane(site);
    const device = `${site.id}-FZ`;
    const before = lane.stats().invalidMessages;
    const client = await connectMqtt(net.network.mqttUrl, { clientId: `fuzz-${process.pid}-${Date.now()}`, ...net.deviceCredentials(site.id, device) });
    const opened: string[] = [];
    let commands = 0;
    client.on('message', (_topic, payload) => {
      commands++;
      const parsed = GateCommand.safeParse(JSON.parse(payload.toString('utf8')));
      if (parsed.success && parsed.data.action === 'open') opened.push(parsed.data.replyTo);
    });
    await client.subscribeAsync(topics.gateCommand(site.id, device), { qos: 1 });
    const sent: Record<string, number> = {};
    try {
      const kinds: DeviceEventKind[] = ['scan', 'passage', 'heartbeat', 'fault', 'obu', 'plate', 'loop', 'barrier'];
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...kinds), fc.nat(), async (kind, seed) => {
          const [payload] = fc.sample(anyPayload(kind), { seed, numRuns: 1 });
          sent[kind] = (sent[kind] ?? 0) + 1;
          await client.publishAsync(topics.deviceEvent(site.id, device, kind), payload, { qos: 1 });
        }),
        { numRuns: FUZZ_RUNS },
      );
      // A status topic and an unknown event kind get the same treatment.
      await client.publishAsync(topics.deviceStatus(site.id, device), Buffer.from('{"v":1,"online":"yes"}'), { qos: 1 });
      await client.publishAsync(`tp/1/${site.id}/${device}/evt/teleport`, Buffer.from('{}'), { qos: 1 });
      // Everything published has been handled once a real scan through the same lane is answered.
      const rider = await net.rider();
      const answer = await net.gate(site, 0).scan({ code: rider.phone.code() }, 'entry');
      assert.equal(answer.command.action, 'open');
      await net.gate(site, 0).walkThrough();
      await eventually(() => lane.stats().invalidMessages > before, 5000, 'refused messages to be counted');
    } finally {
      await endMqtt(client);
    }
    const refused = lane.stats().invalidMessages - before;
    console.log(`      fuzzed ${FUZZ_RUNS} payloads ${JSON.stringify(sent)}: ${refused} refused as invalid, ${commands} gate commands answered, ${opened.length} opened`);
    assert.deepEqual(opened, [], 'a fuzzed scan opened a gate');
    assert.ok(refused >= FUZZ_RUNS / 4, `only ${refused} of ${FUZZ_RUNS} refused`);
    assert.ok(commands > 0, 'no well-formed scan was answered');
  });
});
