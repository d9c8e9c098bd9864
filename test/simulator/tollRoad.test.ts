import assert from 'node:assert/strict';
import { DEMO_TOLL_SITES, tollSitesWithSuffix } from '../../demo/network.js';
import { MemoryHotStore } from '../../lanes/hotstate/memoryHotStore.js';
import type { LaneController } from '../../lanes/laneController.js';
import { uuidv7 } from '../../protocol/ids.js';
import type { BarrierCommand } from '../../protocol/toll.js';
import { topics } from '../../protocol/topics.js';
import { connectMqtt, endMqtt } from '../../runtime/mqtt.js';
import { seededRandom } from '../../simulator/random.js';
import { SimulatedTollRoad } from '../../simulator/toll/tollRoad.js';
import { TollTraffic } from '../../simulator/toll/tollTraffic.js';
import { makeFleet, type SimVehicle } from '../../simulator/toll/vehicle.js';
import { uniqueSuffix, type TestBroker } from '../support/environment.js';
import type { FakeGateway } from '../lanes/support/fakeGateway.js';
import { waitFor } from '../lanes/support/laneHarness.js';
import { startTollLane, useTollRig, type TollRig } from '../lanes/toll/tollHarness.js';

describe('simulated toll road', function () {
  this.timeout(60_000);
  const rig = useTollRig('turnpike-road-');
  let broker: TestBroker;
  let gateway: FakeGateway;
  let dir: TollRig['dir'];
  const cleanups = rig.cleanups;
  beforeEach(() => void ({ broker, gateway, dir } = rig));

  async function road(siteIds: string[]) {
    const sites = tollSitesWithSuffix(DEMO_TOLL_SITES.filter((site) => siteIds.includes(site.id)), uniqueSuffix());
    const simulated = new SimulatedTollRoad({ brokerUrl: broker.url, sites, clientIdSuffix: uniqueSuffix(), heartbeatIntervalMs: 0 });
    await simulated.start();
    cleanups.push(() => simulated.close());
    return { sites, road: simulated };
  }

  async function lanesFor(sites: ReturnType<typeof tollSitesWithSuffix>): Promise<LaneController[]> {
    const hotStore = new MemoryHotStore({});
    const lanes: LaneController[] = [];
    for (const site of sites) {
      const lane = await startTollLane(site, { gatewayUrl: gateway.url, mqttUrl: broker.url, journalDir: dir.path, outboxLingerMs: 20 }, hotStore);
      cleanups.push(() => lane.close());
      lanes.push(lane);
    }
    return lanes;
  }

  it('when the lane sends a barrier command that has already expired, then the simulated barrier ignores it; a current one lifts it and it reports up', async () => {
    const { sites, road: simulated } = await road(['TW']);
    const barrier = simulated.lane(sites[0].id, '1').barrier!;
    const lane = await connectMqtt(broker.url);
    cleanups.push(() => endMqtt(lane));
    const states: string[] = [];
    lane.on('message', (_topic, payload) => states.push(JSON.parse(payload.toString()).state));
    await lane.subscribeAsync(topics.deviceEvent(sites[0].id, barrier.deviceId, 'barrier'), { qos: 1 });
    const command = (expiresAt: number): BarrierCommand => ({ v: 1, msgId: uuidv7(), ts: Date.now(), lane: '1', action: 'lift', decisionId: uuidv7(), expiresAt });
    await lane.publishAsync(topics.barrierCommand(sites[0].id, barrier.deviceId), JSON.stringify(command(Date.now() - 1)), { qos: 1 });
    await waitFor(() => barrier.expiredCommandsIgnored === 1, 'the stale command to be ignored');
    assert.equal(barrier.position, 'down');
    await lane.publishAsync(topics.barrierCommand(sites[0].id, barrier.deviceId), JSON.stringify(command(Date.now() + 5000)), { qos: 1 });
    await waitFor(() => barrier.position === 'up' && states.includes('up'), 'the barrier up');
    assert.equal(barrier.lifts, 1);
  });

  it('when a tagged vehicle enters at a plaza, then the roadside unit writes the entry into its tag, and the exit lane reads it back unchanged', async () => {
    const { sites, road: simulated } = await road(['TW']);
    const vehicle: SimVehicle = { plate: 'AB123CD', vehicleClass: '1', tag: { tagId: '00112233AABBCCDD', declaredClass: '1', plate: 'AB123CD', tampered: false } };
    const entryRead = await simulated.lane(sites[0].id, '1').rsu.read(vehicle);
    assert.equal(entryRead?.entry, undefined);
    assert.equal(vehicle.tag!.entry?.site, sites[0].id);
    const exitRead = await simulated.lane(sites[0].id, '3').rsu.read(vehicle);
    assert.deepEqual(exitRead?.entry, vehicle.tag!.entry);
    await simulated.lane(sites[0].id, '3').rsu.read(vehicle);
    assert.deepEqual(vehicle.tag!.entry, exitRead?.entry, 'exit lanes write nothing');
  });

  it('when vehicles drive the road with misreads, tailgaters and a camera outage, then the lanes record passages with the matching exceptions and every through trip pays at the exit with its entry', async () => {
    const { sites, road: simulated } = await road(['TW', 'TG01', 'TG02', 'TE']);
    const lanes = await lanesFor(sites);
    const fleet = makeFleet(seededRandom(3), { count: 30, classes: ['1', '2', '3'], taggedShare: 0.7, wrongClassShare: 0, movedTagShare: 0, tamperedShare: 0 });
    // Registration is the gateway's: here the fake gateway's trust deltas stand in for it.
    for (const [index, vehicle] of fleet.entries()) {
      gateway.addTrustChange({ kind: 'vehicle.add', at: Date.now(), tokenId: index.toString(16).padStart(32, '0'), tagId: vehicle.tag?.tagId ?? null, plate: vehicle.plate, vehicleClass: vehicle.vehicleClass });
    }
    for (const lane of lanes) assert.ok(await lane.syncTrust());
    const traffic = new TollTraffic({
      road: simulated,
      vehicles: fleet,
      vehiclesPerMinute: 600,
      hopMs: { min: 50, max: 150 },
      misreads: { cameraMiss: 0.15, lowConfidence: 0.1, wrongPlate: 0, tailgate: 0.05 },
      cameraOutage: { everyMs: 1500, forMs: 1000 },
    });
    cleanups.push(() => traffic.close());
    traffic.start();
    await waitFor(() => traffic.counters.tripsFinished >= 25 && traffic.counters.cameraOutages >= 1, 'trips to finish', 45_000);
    await traffic.close();
    for (const lane of lanes) await waitFor(() => lane.toll!.aliveTracks().length === 0, 'every vehicle closed');
    for (const lane of lanes) await lane.outboxDrained();
    const passages = [...gateway.tollPassages.values()];
    const recorded = lanes.reduce((sum, lane) => sum + lane.counters.passed, 0);
    assert.equal(passages.length, recorded);
    const exceptions = new Set(passages.flatMap((passage) => passage.exceptions));
    for (const code of ['TAG_NO_PLATE', 'PLATE_ONLY', 'LOW_CONFIDENCE'] as const) assert.ok(exceptions.has(code), `some passage with ${code}: ${[...exceptions].join(', ')}`);
    const exits = passages.filter((passage) => passage.direction === 'exit' && passage.tagId !== null);
    assert.ok(exits.length > 0, 'tagged vehicles left the road');
    for (const exit of exits.filter((passage) => !passage.exceptions.includes('MISSING_ENTRY'))) assert.ok(exit.entry, `exit ${exit.id} carries its entry`);
    assert.ok(passages.every((passage) => passage.action !== 'divert' || passage.exceptions.includes('DENY_LISTED') || passage.exceptions.includes('TAG_TAMPERED') || passage.exceptions.includes('TAG_UNREGISTERED')));
  });
});
