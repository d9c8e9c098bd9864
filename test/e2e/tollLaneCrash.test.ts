import assert from 'node:assert/strict';
import { join } from 'node:path';
import { seededRandom, between } from '../../simulator/random.js';
import { SimulatedTollRoad } from '../../simulator/toll/tollRoad.js';
import type { SimVehicle } from '../../simulator/toll/vehicle.js';
import { services, startTestBroker, temporaryDir, uniqueRedisPrefix, uniqueSuffix, type TestBroker } from '../support/environment.js';
import { LaneProcess } from '../support/laneProcess.js';
import { eventually } from '../support/testNetwork.js';
import { FakeGateway } from '../lanes/support/fakeGateway.js';
import { randomTokenId, registerVehicle, testVehicle, tollSite } from '../lanes/toll/tollHarness.js';

const KILLS = 5;

describe('a toll lane controller killed at any point', function () {
  this.timeout(180_000);
  let broker: TestBroker;
  let gateway: FakeGateway;
  let road: SimulatedTollRoad | undefined;
  let lane: LaneProcess | undefined;
  const dir = temporaryDir('turnpike-toll-crash-');

  after(async () => {
    await lane?.kill('SIGTERM');
    await road?.close();
    await gateway?.close();
    await broker?.close();
    dir.remove();
  });

  it(`when a plaza's lane process is SIGKILLed ${KILLS} times at seeded moments while vehicles pass, then every vehicle the loop saw clear is one passage, exactly once, gap-free`, async () => {
    broker = await startTestBroker();
    gateway = await new FakeGateway().start();
    const site = tollSite('TW');
    const vehicles: SimVehicle[] = [];
    for (let i = 0; i < 8; i++) {
      const registered = { ...testVehicle(String(1 + (i % 5))), tokenId: randomTokenId() };
      registerVehicle(gateway, registered);
      vehicles.push({ plate: registered.plate, vehicleClass: registered.vehicleClass, tag: { tagId: registered.tagId, declaredClass: registered.vehicleClass, plate: registered.plate, tampered: false } });
    }
    lane = new LaneProcess({
      LANE_SITE_ID: site.id,
      LANE_MODE: 'toll',
      LANE_TOLL_SITE_KIND: 'plaza',
      LANE_TOLL_LANES: JSON.stringify(site.lanes),
      LANE_TOLL_FUSION_WINDOW_MS: '300',
      LANE_TOLL_CLEAR_TIMEOUT_MS: '3000',
      LANE_COMMAND_TTL_MS: '3000',
      GATEWAY_URL: gateway.url,
      MQTT_URL: broker.url,
      LANE_JOURNAL_FILE: join(dir.path, 'lane.sqlite'),
      LANE_OUTBOX_RETRY_MIN_MS: '50',
      LANE_OUTBOX_RETRY_MAX_MS: '300',
      LANE_OUTBOX_LINGER_MS: '20',
      LANE_STATUS_INTERVAL_MS: '60000',
      ...(services.redisUrl ? { REDIS_URL: services.redisUrl, LANE_HOT_STORE_PREFIX: uniqueRedisPrefix() } : {}),
    });
    await lane.start();
    road = new SimulatedTollRoad({ brokerUrl: broker.url, sites: [site], clientIdSuffix: uniqueSuffix(), heartbeatIntervalMs: 0 });
    await road.start();

    // Every vehicle drives in and out through the plaza's lanes; each loop cycle is a vehicle through.
    let cleared = 0;
    const outcomes: Record<string, number> = {};
    let stop = false;
    const drive = async (vehicle: SimVehicle, index: number) => {
      const laneIds = index % 2 === 0 ? ['1', '3'] : ['2', '4'];
      for (let trip = 0; !stop; trip++) {
        const outcome = await road!.pass(site.id, laneIds[trip % 2], vehicle, { shot: {}, waitForLiftMs: 4000 });
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
        if (outcome === 'passed') cleared++;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    const random = seededRandom(20261125);
    const driving = vehicles.map((vehicle, index) => drive(vehicle, index));
    for (let kill = 0; kill < KILLS; kill++) {
      await new Promise((resolve) => setTimeout(resolve, between(random, 300, 1500)));
      await lane.kill('SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, between(random, 50, 600)));
      await lane.start();
    }
    // Enough vehicles through to mean something, however slowly a busy machine restarts the lane.
    await eventually(() => cleared >= 20, 30_000, `20 vehicles through (${JSON.stringify(outcomes)})`);
    stop = true;
    await Promise.all(driving);

    const passages = await eventually(() => {
      const all = [...gateway.tollPassages.values()].filter((passage) => passage.action !== 'divert');
      return all.length >= cleared ? all : undefined;
    }, 30_000, `${cleared} passages at the gateway`);
    // Give a late duplicate the chance to show up before counting.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const final = [...gateway.tollPassages.values()];
    assert.deepEqual(
      { throughPassages: final.filter((passage) => passage.action !== 'divert').length, diverted: final.filter((passage) => passage.action === 'divert').length },
      { throughPassages: cleared, diverted: 0 },
      `outcomes ${JSON.stringify(outcomes)}; diverts ${JSON.stringify(final.filter((passage) => passage.action === 'divert').map((passage) => passage.exceptions))}`,
    );
    assert.equal(new Set(final.map((passage) => passage.id)).size, final.length);
    assert.deepEqual(final.map((passage) => passage.laneSeq).sort((a, b) => a - b), final.map((_, index) => index + 1), 'lane sequence gap-free');
    console.log(`      ${KILLS} kills: ${passages.length} vehicles through, each one passage; outcomes ${JSON.stringify(outcomes)}; redelivered batches ${gateway.duplicateDeliveries}`);
  });
});
