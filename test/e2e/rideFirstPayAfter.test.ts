import assert from 'node:assert/strict';
import { demoMetroFareMatrix, DEMO_BUS_FLAT_FARE_MINOR } from '../../demo/network.js';
import { frameToScanPayload, renderFrame } from '../../simulator/frames/renderFrame.js';
import { eventually, TestNetwork } from '../support/testNetwork.js';

describe('ride first, pay after: end to end over MQTT', function () {
  this.timeout(60_000);
  let net: TestNetwork;

  before(async () => {
    net = await new TestNetwork({ metroStations: 4, buses: 1, lane: { gateOpenForMs: 1000 } }).start();
  });
  after(async () => {
    await net?.close();
  });

  async function journeysOf(riderId: string, count: number) {
    return eventually(async () => {
      const { journeys } = await net.getJson(`/api/riders/${riderId}/journeys`);
      return journeys.length >= count && journeys.every((j: { status: string }) => j.status !== 'open') ? journeys : undefined;
    }, 10_000, `${count} priced journeys`);
  }

  it('when a rider taps in at one station and out at another, then the journey is charged the matrix fare once', async () => {
    const rider = await net.rider(5000);
    const [from, to] = [net.metro(0), net.metro(3)];
    const entry = await net.gate(from, 1).scan({ code: rider.phone.code() }, 'entry');
    assert.equal(entry.command.action, 'open', `entry denied: ${entry.command.reason}`);
    await net.gate(from, 1).walkThrough();
    const exit = await net.gate(to, 2).scan({ code: rider.phone.code() }, 'exit');
    assert.equal(exit.command.action, 'open', `exit denied: ${exit.command.reason}`);
    await net.gate(to, 2).walkThrough();

    const [journey] = await journeysOf(rider.riderId, 1);
    const fare = demoMetroFareMatrix(net.sites)[from.id][to.id];
    assert.equal(journey.status, 'complete');
    assert.equal(journey.entryStationId, from.id);
    assert.equal(journey.exitStationId, to.id);
    assert.equal(journey.fareMinor, fare);
    assert.equal(journey.entryPassageId, entry.command.decisionId, 'the passage id is the lane decision id, from the lane onward');
    assert.equal(journey.exitPassageId, exit.command.decisionId);
    const { charges } = await net.getJson(`/api/riders/${rider.riderId}/charges`);
    assert.deepEqual(charges.map((c: { amountMinor: number }) => c.amountMinor), [fare]);
    const account = await net.getJson(`/api/riders/${rider.riderId}`);
    assert.equal(account.balanceMinor, 5000 - fare);
    const operator = await net.getJson(`/api/operators/metro/charges`);
    assert.ok(operator.charges.some((c: { journeyId: string }) => c.journeyId === journey.id));
  });

  it('when a rider boards a bus, then one boarding is one journey at the flat fare', async () => {
    const rider = await net.rider(5000);
    const answer = await net.validator(net.bus(0)).scan({ code: rider.phone.code() });
    assert.equal(answer.command.action, 'open');
    const [journey] = await journeysOf(rider.riderId, 1);
    assert.equal(journey.mode, 'bus');
    assert.equal(journey.fareMinor, DEMO_BUS_FLAT_FARE_MINOR);
  });

  it('when the gate opens and the rider walks away, then no passage is recorded and nobody is charged', async () => {
    const rider = await net.rider(5000);
    const gate = net.gate(net.metro(1), 0);
    const answer = await gate.scan({ code: rider.phone.code() }, 'entry');
    assert.equal(answer.command.action, 'open');
    const lane = net.lane(net.metro(1));
    // Nobody passes: after openForMs the turnstile reports a timeout, and the decision closes without a passage.
    const reported = await new Promise<{ outcome: string }>((resolve) => gate.once('passage', resolve));
    assert.equal(reported.outcome, 'timeout');
    await eventually(() => lane.stats().decisions.timedOut >= 1, 5000, 'the lane to record the timeout');
    const passages = await net.gateway.knex('passages').where({ id: answer.command.decisionId });
    assert.equal(passages.length, 0);
    const { charges } = await net.getJson(`/api/riders/${rider.riderId}/charges`);
    assert.equal(charges.length, 0);
    // Not "in": a fresh code can enter at once (no passback from a gate nobody went through).
    const again = await gate.scan({ code: rider.phone.code() }, 'entry');
    assert.equal(again.command.action, 'open');
    await gate.walkThrough();
  });

  it('when two people pass on one opening, then the passage reaches the gateway flagged as a tailgate', async () => {
    const rider = await net.rider(5000);
    const gate = net.gate(net.metro(2), 3);
    const answer = await gate.scan({ code: rider.phone.code() }, 'entry');
    await gate.tailgate();
    const row = await eventually(async () => (await net.gateway.knex('passages').where({ id: answer.command.decisionId }).first()) ?? undefined, 10_000, 'the passage at the gateway');
    assert.ok(Boolean(row.tailgate));
  });

  it('when a screenshot of an old code is shown, then CODE_STALE; when a used code is shown at another gate, then CODE_ALREADY_USED', async () => {
    const rider = await net.rider(5000);
    const oldCode = rider.phone.wallet.code(Date.now() - 120_000);
    const stale = await net.gate(net.metro(0), 0).scan({ code: oldCode }, 'entry');
    assert.deepEqual([stale.command.action, stale.command.reason], ['deny', 'CODE_STALE']);
    const code = rider.phone.code();
    assert.equal((await net.gate(net.metro(0), 0).scan({ code }, 'entry')).command.action, 'open');
    await net.gate(net.metro(0), 0).walkThrough();
    const reused = await net.gate(net.metro(0), 2).scan({ code }, 'exit');
    assert.deepEqual([reused.command.action, reused.command.reason], ['deny', 'CODE_ALREADY_USED']);
  });

  it('when a rider who is in taps in again at another station, then PASSBACK_ENTRY_AFTER_ENTRY', async () => {
    const rider = await net.rider(5000);
    await net.gate(net.metro(0), 1).scan({ code: rider.phone.code() }, 'entry');
    await net.gate(net.metro(0), 1).walkThrough();
    await eventually(async () => (await net.gateway.knex('passages').where({ token_id: rider.tokenId })).length === 1 || undefined, 10_000, 'the entry to be recorded');
    const again = await net.gate(net.metro(2), 1).scan({ code: rider.phone.code() }, 'entry');
    assert.deepEqual([again.command.action, again.command.reason], ['deny', 'PASSBACK_ENTRY_AFTER_ENTRY']);
  });

  it('when the scanner sends a camera frame instead of text, then the lane decodes it and opens', async () => {
    const rider = await net.rider(5000);
    const code = rider.phone.code();
    // A slightly rotated, noisy frame, as a gate camera sees a phone held up to it.
    const frame = renderFrame(code, { seed: 3, rotationDeg: 2, noiseSigma: 2 });
    const answer = await net.gate(net.metro(1), 2).scan({ frame: frameToScanPayload(frame) }, 'entry');
    assert.equal(answer.command.action, 'open', `denied: ${answer.command.reason}`);
    await net.gate(net.metro(1), 2).walkThrough();
  });

  it('when the frame holds no code, then FRAME_UNREADABLE', async () => {
    const blank = { width: 64, height: 48, format: 'gray8' as const, data: Buffer.alloc(64 * 48, 200).toString('base64') };
    const answer = await net.gate(net.metro(1), 3).scan({ frame: blank }, 'entry');
    assert.deepEqual([answer.command.action, answer.command.reason], ['deny', 'FRAME_UNREADABLE']);
  });
});
