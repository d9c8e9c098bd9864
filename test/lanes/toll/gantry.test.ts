import assert from 'node:assert/strict';
import type { TollSiteDefinition } from '../../../demo/network.js';
import type { LaneConfigInput } from '../../../lanes/config.js';
import { MemoryHotStore } from '../../../lanes/hotstate/memoryHotStore.js';
import type { HotStore } from '../../../lanes/hotstate/hotStore.js';
import { MAX_PAYLOAD_BYTES } from '../../../protocol/messages.js';
import type { TollPassageRecord } from '../../../protocol/toll.js';
import { type TestBroker } from '../../support/environment.js';
import type { FakeGateway } from '../support/fakeGateway.js';
import { waitFor } from '../support/laneHarness.js';
import { passageOf, randomPlate, registerVehicle, startTollLane, testVehicle, tollSite, TollTestDevices, type TestVehicle, useTollRig, type TollRig } from './tollHarness.js';

describe('toll lane at a free-flow gantry', function () {
  this.timeout(20_000);
  const rig = useTollRig('turnpike-gantry-');
  let broker: TestBroker;
  let gateway: FakeGateway;
  let dir: TollRig['dir'];
  const cleanups = rig.cleanups;
  beforeEach(() => void ({ broker, gateway, dir } = rig));

  async function gantry(options: { site?: TollSiteDefinition; lane?: Partial<LaneConfigInput>; hotStore?: HotStore } = {}) {
    const site = options.site ?? tollSite('TG01');
    const lane = await startTollLane(site, { gatewayUrl: gateway.url, mqttUrl: broker.url, journalDir: dir.path, ...options.lane }, options.hotStore);
    cleanups.push(() => lane.close());
    const devices = await TollTestDevices.connect(broker.url, site);
    cleanups.push(() => devices.close());
    return { site, lane, devices };
  }

  const byTag = (vehicle: TestVehicle) => (passage: TollPassageRecord) => passage.tagId === vehicle.tagId;

  it('when a registered tag and its plate are read in one lane, then one passage carries both, the account and no exception', async () => {
    const vehicle = testVehicle('2');
    registerVehicle(gateway, vehicle);
    const { devices, site } = await gantry();
    const obu = await devices.obu('1', vehicle);
    const plate = await devices.plate('1', vehicle.plate);
    await devices.driveOver('1');
    const passage = await passageOf(gateway, byTag(vehicle), 'the passage');
    assert.deepEqual(
      { stationId: passage.stationId, lane: passage.lane, siteKind: passage.siteKind, direction: passage.direction, tokenId: passage.tokenId, plate: passage.plate, imageRef: passage.imageRef, vehicleClass: passage.vehicleClass, exceptions: passage.exceptions, action: passage.action, laneSeq: passage.laneSeq, passedAt: passage.passedAt },
      { stationId: site.id, lane: '1', siteKind: 'gantry', direction: 'pass', tokenId: vehicle.tokenId, plate: vehicle.plate, imageRef: plate.imageRef, vehicleClass: '2', exceptions: [], action: 'record', laneSeq: 1, passedAt: obu.readAt },
    );
    assert.equal(gateway.tollPassages.size, 1);
  });

  it('when only the tag is read, then the passage says TAG_NO_PLATE', async () => {
    const vehicle = testVehicle();
    registerVehicle(gateway, vehicle);
    const { devices } = await gantry();
    await devices.obu('2', vehicle);
    const passage = await passageOf(gateway, byTag(vehicle), 'the passage');
    assert.deepEqual(passage.exceptions, ['TAG_NO_PLATE']);
    assert.equal(passage.plate, null);
    assert.equal(passage.tokenId, vehicle.tokenId);
  });

  it('when only a plate is read, then it is a video toll: PLATE_ONLY with the plate account, or PLATE_UNREGISTERED too for an unknown plate', async () => {
    const known = testVehicle('3');
    registerVehicle(gateway, known);
    const { devices } = await gantry();
    await devices.plate('1', known.plate);
    const stranger = randomPlate();
    await devices.plate('2', stranger);
    const video = await passageOf(gateway, (passage) => passage.plate === known.plate, 'the known plate');
    assert.deepEqual({ exceptions: video.exceptions, tokenId: video.tokenId, tagId: video.tagId, vehicleClass: video.vehicleClass }, { exceptions: ['PLATE_ONLY'], tokenId: known.tokenId, tagId: null, vehicleClass: '3' });
    const unknown = await passageOf(gateway, (passage) => passage.plate === stranger, 'the unknown plate');
    assert.deepEqual({ exceptions: unknown.exceptions, tokenId: unknown.tokenId, vehicleClass: unknown.vehicleClass }, { exceptions: ['PLATE_ONLY', 'PLATE_UNREGISTERED'], tokenId: null, vehicleClass: '1' });
  });

  it('when the camera reads another plate than the tag holds, then PLATE_MISMATCH; when the tag declares another class than registered, then CLASS_MISMATCH and the registered class', async () => {
    const swapped = testVehicle();
    const cheat = testVehicle('5');
    registerVehicle(gateway, swapped);
    registerVehicle(gateway, cheat);
    const { devices } = await gantry();
    await devices.obu('1', swapped);
    await devices.plate('1', randomPlate());
    await devices.obu('2', { ...cheat, vehicleClass: '1' });
    await devices.plate('2', cheat.plate);
    const mismatch = await passageOf(gateway, byTag(swapped), 'the swapped plate');
    assert.deepEqual(mismatch.exceptions, ['PLATE_MISMATCH']);
    const classed = await passageOf(gateway, byTag(cheat), 'the declared class');
    assert.deepEqual({ exceptions: classed.exceptions, vehicleClass: classed.vehicleClass, declaredClass: classed.declaredClass }, { exceptions: ['CLASS_MISMATCH'], vehicleClass: '5', declaredClass: '1' });
  });

  it('when the tag is tampered, unregistered, or its account deny-listed, then a free-flow gantry still records the passage with the exception', async () => {
    const tampered = testVehicle();
    const denied = testVehicle();
    const unregistered = testVehicle();
    registerVehicle(gateway, tampered);
    registerVehicle(gateway, denied);
    gateway.addTrustChange({ kind: 'deny.add', at: Date.now(), tokenId: denied.tokenId, reason: 'ARREARS' });
    const { devices } = await gantry();
    await devices.obu('1', tampered, { tampered: true });
    await devices.plate('1', tampered.plate);
    await devices.obu('2', denied);
    await devices.plate('2', denied.plate);
    const [a, b] = [await passageOf(gateway, byTag(tampered), 'tampered'), await passageOf(gateway, byTag(denied), 'denied')];
    assert.deepEqual([a.exceptions, a.action], [['TAG_TAMPERED'], 'record']);
    assert.deepEqual([b.exceptions, b.action, b.tokenId], [['DENY_LISTED'], 'record', denied.tokenId]);
    await devices.obu('1', unregistered);
    await devices.plate('1', unregistered.plate);
    const c = await passageOf(gateway, byTag(unregistered), 'unregistered');
    assert.deepEqual([c.exceptions, c.tokenId], [['TAG_UNREGISTERED'], null]);
  });

  it('when plate reads are below the confidence threshold, then they count as no read: LOW_CONFIDENCE, and a plate-only low read names no account', async () => {
    const tagged = testVehicle();
    const untagged = testVehicle();
    registerVehicle(gateway, tagged);
    registerVehicle(gateway, untagged);
    const { devices } = await gantry();
    await devices.obu('1', tagged);
    await devices.plate('1', tagged.plate, 0.4);
    await devices.plate('2', untagged.plate, 0.5);
    const low = await passageOf(gateway, byTag(tagged), 'the tag with a low read');
    assert.deepEqual([low.exceptions, low.plateConfidence], [['LOW_CONFIDENCE'], 0.4]);
    const video = await passageOf(gateway, (passage) => passage.plate === untagged.plate, 'the low plate-only read');
    assert.deepEqual([video.exceptions, video.tokenId], [['PLATE_ONLY', 'LOW_CONFIDENCE'], null]);
  });

  it('when the same tag is read in both lanes and again a moment later, then there is one passage (DUPLICATE_READ), not two or three', async () => {
    const vehicle = testVehicle();
    registerVehicle(gateway, vehicle);
    const { devices, lane } = await gantry();
    await devices.obu('1', vehicle);
    await devices.obu('2', vehicle);
    await devices.plate('1', vehicle.plate);
    const passage = await passageOf(gateway, byTag(vehicle), 'the passage');
    assert.deepEqual(passage.exceptions, ['DUPLICATE_READ']);
    await devices.obu('1', vehicle);
    await devices.plate('1', vehicle.plate);
    await waitFor(() => lane.counters.duplicateVehicles === 1, 'the second read to be found a duplicate');
    await lane.outboxDrained();
    assert.equal([...gateway.tollPassages.values()].filter(byTag(vehicle)).length, 1);
  });

  it('when two gantries share a duplicate group and read the same vehicle within the window, then only the first records a passage', async () => {
    const vehicle = testVehicle();
    registerVehicle(gateway, vehicle);
    const hotStore = new MemoryHotStore({});
    const group = `grp${Date.now()}`;
    const first = await gantry({ site: tollSite('TG01'), hotStore, lane: { tollDuplicateGroup: group } });
    const second = await gantry({ site: tollSite('TG02'), hotStore, lane: { tollDuplicateGroup: group } });
    await first.devices.obu('1', vehicle);
    await first.devices.plate('1', vehicle.plate);
    await passageOf(gateway, byTag(vehicle), 'the first gantry passage');
    await second.devices.obu('2', vehicle);
    await second.devices.plate('2', vehicle.plate);
    await waitFor(() => second.lane.counters.duplicateVehicles === 1, 'the second gantry to find the duplicate');
    await second.lane.outboxDrained();
    assert.deepEqual([...gateway.tollPassages.values()].filter(byTag(vehicle)).map((passage) => passage.stationId), [first.site.id]);
  });

  it('when the loop counts two vehicles for one set of reads, then the passage says TWO_VEHICLES_ONE_READ', async () => {
    const vehicle = testVehicle();
    registerVehicle(gateway, vehicle);
    const { devices } = await gantry();
    await devices.obu('1', vehicle);
    await devices.plate('1', vehicle.plate);
    await devices.driveOver('1');
    await devices.driveOver('1');
    const passage = await passageOf(gateway, byTag(vehicle), 'the passage');
    assert.deepEqual(passage.exceptions, ['TWO_VEHICLES_ONE_READ']);
  });

  it('when the camera says it is offline, then the lane keeps recording on the roadside unit and flags DEVICE_OFFLINE', async () => {
    const vehicle = testVehicle();
    registerVehicle(gateway, vehicle);
    const { devices, lane, site } = await gantry();
    const camera = site.lanes[0].devices.camera;
    await devices.status(camera, false, 'camera');
    cleanups.push(() => devices.clearStatus(camera));
    await waitFor(() => lane.devices.get(camera)?.online === false, 'the lane to see the camera offline');
    await devices.obu('1', vehicle);
    const passage = await passageOf(gateway, byTag(vehicle), 'the passage');
    assert.deepEqual(passage.exceptions, ['DEVICE_OFFLINE']);
  });

  it('when garbage, unknown devices, wrong lanes and oversized payloads arrive, then each is counted and the lane keeps serving', async () => {
    const vehicle = testVehicle();
    registerVehicle(gateway, vehicle);
    const { devices, lane, site } = await gantry();
    const rsu = site.lanes[0].devices.rsu;
    await devices.publish(rsu, 'obu', 'not json');
    await devices.publish(rsu, 'obu', JSON.stringify({ v: 1, msgId: 'x', ts: 1, lane: '1', tagId: 'nothex' }));
    await devices.publish(`${site.id}-R9`, 'obu', { v: 1, msgId: 'y', ts: 1, lane: '1', tagId: vehicle.tagId, declaredClass: '1', tagPlate: vehicle.plate, readAt: Date.now(), rssiDbm: -50 });
    await devices.publish(rsu, 'obu', { v: 1, msgId: 'z', ts: 1, lane: '2', tagId: vehicle.tagId, declaredClass: '1', tagPlate: vehicle.plate, readAt: Date.now(), rssiDbm: -50 });
    await devices.publish(rsu, 'obu', 'x'.repeat(MAX_PAYLOAD_BYTES + 1));
    await waitFor(() => lane.counters.invalidMessages === 5, `five invalid messages (counted ${lane.counters.invalidMessages})`);
    assert.equal(lane.counters.unknownDevices, 2);
    await devices.obu('1', vehicle);
    await devices.plate('1', vehicle.plate);
    const passage = await passageOf(gateway, byTag(vehicle), 'a passage after the garbage');
    assert.deepEqual(passage.exceptions, []);
    assert.equal(gateway.tollPassages.size, 1);
  });

  it('when a read is delivered twice (same message id), then it is taken once', async () => {
    const vehicle = testVehicle();
    registerVehicle(gateway, vehicle);
    const { devices, lane, site } = await gantry();
    const read = await devices.obu('1', vehicle);
    await devices.publish(site.lanes[0].devices.rsu, 'obu', read);
    await waitFor(() => lane.counters.duplicateMessages === 1, 'the redelivery');
    await passageOf(gateway, byTag(vehicle), 'the passage');
    await lane.outboxDrained();
    assert.equal(gateway.tollPassages.size, 1);
  });

  it('when passages are recorded while the gateway is down, then they reach it once it is back, in lane sequence', async () => {
    const vehicles = [testVehicle(), testVehicle(), testVehicle()];
    for (const vehicle of vehicles) registerVehicle(gateway, vehicle);
    const { devices, lane } = await gantry();
    gateway.down = true;
    for (const vehicle of vehicles) {
      await devices.obu('1', vehicle);
      await devices.plate('1', vehicle.plate);
    }
    await waitFor(() => lane.stats().outboxBacklog === 3, 'three passages waiting in the outbox');
    gateway.down = false;
    await gateway.waitForPassages(3);
    assert.deepEqual([...gateway.tollPassages.values()].map((passage) => passage.laneSeq).sort(), [1, 2, 3]);
  });
});
