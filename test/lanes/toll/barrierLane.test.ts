import assert from 'node:assert/strict';
import type { LaneConfigInput } from '../../../lanes/config.js';
import type { TollPassageRecord } from '../../../protocol/toll.js';
import { topics } from '../../../protocol/topics.js';
import { connectMqtt, endMqtt } from '../../../runtime/mqtt.js';
import { type TestBroker } from '../../support/environment.js';
import type { FakeGateway } from '../support/fakeGateway.js';
import { waitFor } from '../support/laneHarness.js';
import { passageOf, randomPlate, registerVehicle, startTollLane, testVehicle, tollSite, TollTestDevices, type TestVehicle, useTollRig, type TollRig } from './tollHarness.js';

describe('toll lane at a barrier plaza', function () {
  this.timeout(20_000);
  const rig = useTollRig('turnpike-plaza-');
  let broker: TestBroker;
  let gateway: FakeGateway;
  let dir: TollRig['dir'];
  const cleanups = rig.cleanups;
  beforeEach(() => void ({ broker, gateway, dir } = rig));

  async function plaza(lane: Partial<LaneConfigInput> = {}) {
    const site = tollSite('TW');
    const controller = await startTollLane(site, { gatewayUrl: gateway.url, mqttUrl: broker.url, journalDir: dir.path, ...lane });
    cleanups.push(() => controller.close());
    const devices = await TollTestDevices.connect(broker.url, site);
    cleanups.push(() => devices.close());
    return { site, lane: controller, devices };
  }

  const byTag = (vehicle: TestVehicle) => (passage: TollPassageRecord) => passage.tagId === vehicle.tagId;

  it('when a registered tag is read at an entry lane, then the barrier lifts at once with an expiry, and the passage is recorded only when the loop sees the vehicle clear', async () => {
    const vehicle = testVehicle('2');
    registerVehicle(gateway, vehicle);
    const { devices, lane } = await plaza();
    const obu = await devices.obu('1', vehicle);
    const lift = await devices.waitForBarrier((command) => command.action === 'lift', 'the lift');
    assert.equal(lift.lane, '1');
    assert.equal(lift.expiresAt, lift.ts + 2000);
    await waitFor(() => devices.displayCommands.length === 1, 'the display');
    assert.deepEqual(devices.displayCommands[0].lines, ['Thank you, drive on', `${vehicle.plate} class 2`]);
    // Lifted on the tag alone: nothing is charged, nothing is even recorded yet.
    await devices.plate('1', vehicle.plate);
    await devices.loop('1', 'occupied');
    await waitFor(() => lane.toll!.aliveTracks().some((track) => track.plates.length === 1), 'the plate to join the vehicle');
    assert.equal(lane.stats().journalSeq, 0, 'no passage before the loop clears');
    await devices.loop('1', 'clear');
    const passage = await passageOf(gateway, byTag(vehicle), 'the passage');
    assert.deepEqual(
      { id: passage.id, action: passage.action, direction: passage.direction, siteKind: passage.siteKind, exceptions: passage.exceptions, plate: passage.plate, tokenId: passage.tokenId },
      { id: lift.decisionId, action: 'lift', direction: 'entry', siteKind: 'plaza', exceptions: [], plate: vehicle.plate, tokenId: vehicle.tokenId },
    );
    assert.ok(passage.passedAt >= obu.readAt);
    await devices.waitForBarrier((command) => command.action === 'lower' && command.decisionId === lift.decisionId, 'the barrier lowered after the vehicle');
  });

  for (const [what, setUp, code, line] of [
    ['deny-listed', (gw: FakeGateway, vehicle: TestVehicle) => (registerVehicle(gw, vehicle), gw.addTrustChange({ kind: 'deny.add', at: Date.now(), tokenId: vehicle.tokenId, reason: 'ARREARS' })), 'DENY_LISTED', 'Account blocked'],
    ['tampered', (gw: FakeGateway, vehicle: TestVehicle) => registerVehicle(gw, vehicle), 'TAG_TAMPERED', 'Tag not valid'],
    ['unregistered', () => {}, 'TAG_UNREGISTERED', 'Tag not registered'],
    ['cloned', (gw: FakeGateway, vehicle: TestVehicle) => (registerVehicle(gw, vehicle), gw.addTrustChange({ kind: 'deny.add', at: Date.now(), tokenId: vehicle.tokenId, reason: 'OBU_CLONE_SUSPECTED' })), 'OBU_CLONE_SUSPECTED', 'Tag blocked'],
  ] as const) {
    it(`when a ${what} tag is read at a barrier, then the barrier stays down, the display tells the driver, and the event is recorded as a divert with ${code}`, async () => {
      const vehicle = testVehicle();
      setUp(gateway, vehicle);
      const { devices } = await plaza();
      await devices.obu('2', vehicle, { tampered: code === 'TAG_TAMPERED' });
      await devices.plate('2', vehicle.plate);
      await waitFor(() => devices.displayCommands.length === 1, 'the display');
      assert.deepEqual(devices.displayCommands[0].lines, [line, 'Use the attendant lane']);
      const passage = await passageOf(gateway, byTag(vehicle), 'the divert');
      assert.deepEqual([passage.action, passage.exceptions], ['divert', [code]]);
      assert.equal(devices.barrierCommands.length, 0, 'no barrier command');
    });
  }

  it('when a vehicle without a tag comes to a barrier, then it is lifted on the plate read (video toll), unless the plate belongs to a deny-listed account', async () => {
    const plain = testVehicle();
    const blocked = testVehicle();
    registerVehicle(gateway, plain);
    registerVehicle(gateway, blocked);
    gateway.addTrustChange({ kind: 'deny.add', at: Date.now(), tokenId: blocked.tokenId, reason: 'ARREARS' });
    const { devices } = await plaza();
    await devices.plate('1', plain.plate);
    const lift = await devices.waitForBarrier((command) => command.action === 'lift', 'the lift on the plate');
    await devices.driveOver('1');
    const video = await passageOf(gateway, (passage) => passage.plate === plain.plate, 'the video toll');
    assert.deepEqual([video.id, video.action, video.exceptions, video.tokenId], [lift.decisionId, 'lift', ['PLATE_ONLY'], plain.tokenId]);
    await devices.plate('2', blocked.plate);
    const divert = await passageOf(gateway, (passage) => passage.plate === blocked.plate, 'the blocked plate');
    assert.deepEqual([divert.action, divert.exceptions], ['divert', ['PLATE_ONLY', 'DENY_LISTED']]);
    assert.equal(devices.barrierCommands.filter((command) => command.action === 'lift').length, 1);
  });

  it('when a vehicle is deny-listed because its tag was cloned, then its plate alone still lifts the barrier (video toll): the tag is what is refused', async () => {
    const vehicle = testVehicle();
    registerVehicle(gateway, vehicle);
    gateway.addTrustChange({ kind: 'deny.add', at: Date.now(), tokenId: vehicle.tokenId, reason: 'OBU_CLONE_SUSPECTED' });
    const { devices } = await plaza();
    await devices.plate('1', vehicle.plate);
    const lift = await devices.waitForBarrier((command) => command.action === 'lift', 'the lift on the plate');
    await devices.driveOver('1');
    const video = await passageOf(gateway, (passage) => passage.plate === vehicle.plate, 'the video toll');
    assert.deepEqual([video.id, video.action, video.exceptions, video.tokenId], [lift.decisionId, 'lift', ['PLATE_ONLY'], vehicle.tokenId]);
  });

  it('when a tag without an entry is read at an exit lane, then MISSING_ENTRY; a tag with its entry carries it to the passage', async () => {
    const lost = testVehicle();
    const regular = testVehicle();
    registerVehicle(gateway, lost);
    registerVehicle(gateway, regular);
    const { devices } = await plaza();
    await devices.obu('3', lost);
    await devices.plate('3', lost.plate);
    await devices.driveOver('3');
    const missing = await passageOf(gateway, byTag(lost), 'the exit without entry');
    assert.deepEqual([missing.direction, missing.exceptions, missing.entry], ['exit', ['MISSING_ENTRY'], null]);
    const entry = { site: 'TE', at: Date.now() - 3_600_000 };
    await devices.obu('4', regular, { entry });
    await devices.plate('4', regular.plate);
    await devices.driveOver('4');
    const paired = await passageOf(gateway, byTag(regular), 'the exit with entry');
    assert.deepEqual([paired.exceptions, paired.entry], [[], entry]);
  });

  it('when a second vehicle follows through on one lift, then the loop records it as its own passage with TWO_VEHICLES_ONE_READ', async () => {
    const leader = testVehicle();
    registerVehicle(gateway, leader);
    const { devices } = await plaza();
    await devices.obu('1', leader);
    await devices.plate('1', leader.plate);
    await devices.waitForBarrier((command) => command.action === 'lift', 'the lift');
    await devices.driveOver('1');
    await devices.driveOver('1');
    await gateway.waitForPassages(2);
    const passages = [...gateway.tollPassages.values()].sort((a, b) => a.laneSeq - b.laneSeq);
    const follower = passages.find((passage) => passage.tagId === null)!;
    assert.deepEqual(passages.find(byTag(leader))!.exceptions, []);
    assert.deepEqual([follower.exceptions, follower.action, follower.tokenId], [['TWO_VEHICLES_ONE_READ'], 'record', null]);
  });

  it('when a lifted vehicle never clears the loop, then no passage is recorded and the barrier is lowered', async () => {
    const vehicle = testVehicle();
    registerVehicle(gateway, vehicle);
    const { devices, lane } = await plaza({ tollClearTimeoutMs: 300 });
    await devices.obu('1', vehicle);
    const lift = await devices.waitForBarrier((command) => command.action === 'lift', 'the lift');
    await devices.waitForBarrier((command) => command.action === 'lower' && command.decisionId === lift.decisionId, 'the lower');
    assert.equal(lane.counters.expired, 1);
    assert.equal(lane.stats().journalSeq, 0);
  });

  it('when a vehicle registration and a deny-list entry are pushed on MQTT, then the running lane applies them at once, and keeps them across a restart with the gateway down', async () => {
    const vehicle = testVehicle();
    const { devices, lane, site } = await plaza({ trustPollIntervalMs: 60_000 });
    const pusher = await connectMqtt(broker.url);
    cleanups.push(() => endMqtt(pusher));
    const push = async (change: ReturnType<FakeGateway['addTrustChange']>) => pusher.publishAsync(topics.trustDelta(), JSON.stringify(change), { qos: 1 });
    await push(gateway.addTrustChange({ kind: 'vehicle.add', at: Date.now(), tokenId: vehicle.tokenId, tagId: vehicle.tagId, plate: vehicle.plate.toLowerCase(), vehicleClass: '4' }));
    await waitFor(() => lane.trust.vehicleOfTag(vehicle.tagId)?.vehicleClass === '4', 'the vehicle to reach the lane');
    await devices.obu('1', { ...vehicle, vehicleClass: '4' });
    await devices.waitForBarrier((command) => command.action === 'lift', 'a lift for the newly registered tag');
    await push(gateway.addTrustChange({ kind: 'deny.add', at: Date.now(), tokenId: vehicle.tokenId, reason: 'ARREARS' }));
    await waitFor(() => lane.trust.isDenied(vehicle.tokenId), 'the deny entry to reach the lane');
    await lane.close();
    gateway.down = true;
    const restarted = await startTollLane(site, { gatewayUrl: gateway.url, mqttUrl: broker.url, journalDir: dir.path });
    cleanups.push(() => restarted.close());
    assert.equal(restarted.trust.vehicleOfPlate(vehicle.plate)?.tokenId, vehicle.tokenId);
    assert.ok(restarted.trust.isDenied(vehicle.tokenId));
    await push(gateway.addTrustChange({ kind: 'vehicle.remove', at: Date.now(), tokenId: vehicle.tokenId }));
    await waitFor(() => restarted.trust.vehicleOfTag(vehicle.tagId) === undefined, 'the vehicle removal');
    assert.equal(restarted.trust.vehicleOfPlate(randomPlate()), undefined);
  });
});
