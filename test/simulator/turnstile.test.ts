import assert from 'node:assert/strict';
import { once } from 'node:events';
import { startTestBroker, type TestBroker } from '../support/environment.js';
import { Turnstile } from '../../simulator/devices/turnstile.js';
import { ManualTimers } from '../../simulator/timers.js';
import type { PassageEvent } from '../../protocol/messages.js';
import { TestLane, uniqueId } from './support.js';

describe('simulator turnstile', () => {
  let broker: TestBroker;
  let lane: TestLane;
  let gate: Turnstile;
  let siteId: string;

  beforeEach(async () => {
    broker = await startTestBroker();
    siteId = uniqueId('S');
    lane = await new TestLane(broker.url, siteId).start();
    gate = new Turnstile({ brokerUrl: broker.url, siteId, deviceId: `${siteId}-G1`, heartbeatIntervalMs: 0 });
    await gate.start();
  });

  afterEach(async () => {
    await gate.close();
    await lane.close();
    await broker.close();
  });

  async function openFor(direction: 'entry' | 'exit' = 'entry', openForMs = 5000) {
    const scanned = lane.nextScan().then((received) => lane.answer(received, { openForMs }));
    const result = await gate.scan({ code: 'TP1.abc' }, direction);
    await scanned;
    return result;
  }

  it('when a rider scans, then the scan resolves with the command that answers it and its round trip', async () => {
    const scanned = lane.nextScan();
    const pending = gate.scan({ code: 'TP1.abc' }, 'exit');
    const received = await scanned;
    assert.equal(received.scan.code, 'TP1.abc');
    assert.equal(received.scan.direction, 'exit');
    const sent = await lane.answer(received, { action: 'deny', reason: 'CODE_STALE', message: 'Code expired' });
    const result = await pending;
    assert.deepEqual(result.command, sent);
    assert.ok(result.rttMs > 0 && result.rttMs < 1000, `rtt ${result.rttMs}`);
    assert.equal(gate.counters.denied, 1);
    assert.equal(gate.openFor, undefined);
  });

  it('when two scans are answered out of order, then each resolves with its own command', async () => {
    const first = gate.scan({ code: 'TP1.one' }, 'entry');
    const a = await lane.nextScan();
    const second = gate.scan({ code: 'TP1.two' }, 'entry');
    const b = await lane.nextScan();
    await lane.answer(b, { action: 'deny', reason: 'CODE_FORGED', message: 'Invalid code' });
    await lane.answer(a, { action: 'deny', reason: 'CODE_STALE', message: 'Code expired' });
    assert.equal((await first).command.reason, 'CODE_STALE');
    assert.equal((await second).command.reason, 'CODE_FORGED');
  });

  it('when a command arrives after its expiry, then the gate ignores it, counts it, and waits for a valid one', async () => {
    const pending = gate.scan({ code: 'TP1.abc' }, 'entry');
    const received = await lane.nextScan();
    const ignored = once(gate, 'commandIgnored');
    await lane.answer(received, { expiresAt: Date.now() - 1 });
    const [{ reason }] = (await ignored) as [{ reason: string }];
    assert.equal(reason, 'expired');
    assert.equal(gate.counters.expiredCommandsIgnored, 1);
    assert.equal(gate.openFor, undefined);
    const valid = await lane.answer(received);
    assert.equal((await pending).command.msgId, valid.msgId);
  });

  it('when the rider walks through an open gate, then a passed passage with count 1 is published for the decision', async () => {
    const { command } = await openFor();
    const passage = once(lane.events, 'passage');
    const published = await gate.walkThrough();
    const [{ passage: seen }] = (await passage) as [{ passage: PassageEvent }];
    assert.deepEqual(seen, published);
    assert.equal(seen.decisionId, command.decisionId);
    assert.equal(seen.outcome, 'passed');
    assert.equal(seen.count, 1);
    await assert.rejects(gate.walkThrough(), { code: 'GATE_NOT_OPEN' });
  });

  it('when someone follows the rider through, then the passage counts 2', async () => {
    await openFor('exit');
    const passage = once(lane.events, 'passage');
    await gate.tailgate();
    const [{ passage: seen }] = (await passage) as [{ passage: PassageEvent }];
    assert.equal(seen.outcome, 'passed');
    assert.equal(seen.count, 2);
    assert.equal(gate.counters.tailgates, 1);
  });

  it('when a fault is raised, then the lane receives it', async () => {
    const fault = once(lane.events, 'fault');
    await gate.publishFault('FLAP_JAMMED', 'critical', 'left flap');
    const [{ event }] = (await fault) as [{ event: { code: string; severity: string } }];
    assert.equal(event.code, 'FLAP_JAMMED');
    assert.equal(event.severity, 'critical');
  });
});

describe('simulator turnstile with manual timers', () => {
  let broker: TestBroker;
  let lane: TestLane;
  let gate: Turnstile;
  let timers: ManualTimers;

  beforeEach(async () => {
    broker = await startTestBroker();
    const siteId = uniqueId('S');
    lane = await new TestLane(broker.url, siteId).start();
    timers = new ManualTimers();
    gate = new Turnstile({ brokerUrl: broker.url, siteId, deviceId: `${siteId}-G2`, fixedDirection: 'entry', heartbeatIntervalMs: 1000, timers, firmware: 'sim-1' });
    await gate.start();
  });

  afterEach(async () => {
    await gate.close();
    await lane.close();
    await broker.close();
  });

  it('when the gate opens and nobody walks through, then after openForMs it publishes a timeout', async () => {
    const scanned = lane.nextScan().then((received) => lane.answer(received, { openForMs: 4000 }));
    const { command } = await gate.scan({ code: 'TP1.abc' });
    await scanned;
    const passage = once(lane.events, 'passage');
    timers.advance(3999);
    assert.equal(gate.openFor, command.decisionId);
    timers.advance(1);
    const [{ passage: seen }] = (await passage) as [{ passage: PassageEvent }];
    assert.deepEqual([seen.decisionId, seen.outcome, seen.count], [command.decisionId, 'timeout', 0]);
    assert.equal(gate.openFor, undefined);
  });

  it('when the heartbeat interval passes, then a heartbeat with uptime and firmware is published', async () => {
    const heartbeat = once(lane.events, 'heartbeat');
    timers.advance(1000);
    const [{ event }] = (await heartbeat) as [{ event: { kind: string; firmware: string } }];
    assert.equal(event.kind, 'turnstile');
    assert.equal(event.firmware, 'sim-1');
  });

  it('when a gate fixed for entry is asked to scan as exit, then it refuses', async () => {
    await assert.rejects(gate.scan({ code: 'TP1.abc' }, 'exit'), RangeError);
  });

  it('when no command answers, then the scan fails with GATE_NO_ANSWER after the answer timeout', async () => {
    const pending = gate.scan({ code: 'TP1.abc' });
    await lane.nextScan();
    timers.advance(3000);
    await assert.rejects(pending, { code: 'GATE_NO_ANSWER' });
  });
});
