import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { DEMO_TOLL_PER_KM_MINOR } from '../../demo/network.js';
import { DEMO_ETC_DISCOUNT_PERCENT } from '../../db/seeds/demoTolls.js';
import type { LaneLogger } from '../../lanes/log.js';
import type { RiderApi } from '../../simulator/people/riderApi.js';
import type { SimVehicle } from '../../simulator/toll/vehicle.js';
import { eventually, TestNetwork } from '../support/testNetwork.js';

const GANTRIES = ['TG01', 'TG02', 'TG03', 'TG04', 'TG05', 'TG06', 'TG07', 'TG08'];
const ROAD_KM = 52; // West Plaza at km 0, East Plaza at km 52 (demo/network.ts)

/** What the demo tariff asks of a tagged vehicle from plaza to plaza, outside the peak. */
const etcTollMinor = (vehicleClass: string) => {
  const video = ROAD_KM * DEMO_TOLL_PER_KM_MINOR[vehicleClass];
  return video - Math.ceil((video * DEMO_ETC_DISCOUNT_PERCENT) / 100);
};

/**
 * Pass first, deduct later, end to end: simulated roadside units, cameras, loops and barriers over
 * real MQTT, the toll lane controllers, and the real gateway with its vehicle API, tariff and
 * ledger. A driver registers a tagged vehicle, drives from plaza to plaza under every gantry, and
 * is charged the matrix toll after passage; an account that cannot pay is advanced; a deny-listed
 * vehicle is turned away at the barrier.
 */
/** A lane logger that keeps each line as the JSON a log collector would receive. */
function capturingLogger(lines: string[]): LaneLogger {
  const keep = (level: string) => (event: string, fields?: Record<string, unknown>) => void lines.push(JSON.stringify({ level, event, ...fields }));
  return { info: keep('info'), warn: keep('warn'), error: keep('error') };
}

describe('pass first, deduct later: the toll road end to end', function () {
  this.timeout(120_000);
  let net: TestNetwork;
  let api: RiderApi;
  const laneLog: string[] = [];
  /** Every driver's account, token, plate and tag: none may appear in a log line. */
  const identifiers: string[] = [];

  before(async () => {
    net = await new TestNetwork({ metroStations: 1, buses: 0, tollSites: ['TW', ...GANTRIES, 'TE'], laneLogger: capturingLogger(laneLog) }).start();
    api = net.api;
  });
  after(async () => net?.close());

  async function driverWithVehicle(topUpMinor: number, vehicleClass = '2'): Promise<{ riderId: string; tokenId: string; vehicle: SimVehicle }> {
    // No pay-later line: what the wallet does not hold is advanced.
    const driver = await api.createRider({ name: 'Test driver', payLaterLimitMinor: 0 });
    if (topUpMinor > 0) await api.topUp(driver.id, topUpMinor, `e2e-${driver.id}`);
    const plate = `E${randomBytes(3).toString('hex').toUpperCase()}`;
    const vehicle: SimVehicle = { plate, vehicleClass, tag: { tagId: randomBytes(8).toString('hex').toUpperCase(), declaredClass: vehicleClass, plate, tampered: false } };
    const registered = await api.registerVehicle(driver.id, { plate, vehicleClass, tagId: vehicle.tag!.tagId });
    // Every toll lane learns the vehicle from the pushed trust change.
    for (const site of net.tollSites) await eventually(() => net.lane(site).trust.vehicleOfTag(vehicle.tag!.tagId), 5000, `${site.id} to learn the vehicle`);
    identifiers.push(driver.id, registered.tokenId, plate, vehicle.tag!.tagId);
    return { riderId: driver.id, tokenId: registered.tokenId, vehicle };
  }

  async function driveTheRoad(vehicle: SimVehicle): Promise<string[]> {
    const road = net.network.tollRoad!;
    const outcomes = [await road.pass(net.tollSite('TW').id, '1', vehicle)];
    for (const gantry of GANTRIES) outcomes.push(await road.pass(net.tollSite(gantry).id, '1', vehicle));
    outcomes.push(await road.pass(net.tollSite('TE').id, '3', vehicle));
    return outcomes;
  }

  const tollsOf = async (riderId: string) => net.getJson<{ trips: Array<{ status: string; fareMinor: number; chargedMinor: number; entryStationId: string; exitStationId: string }>; arrears: { state: string; outstandingMinor: number } }>(`/api/riders/${riderId}/tolls`);

  it('when a tagged vehicle drives from plaza to plaza, then the barriers lift, every gantry records it, and the matrix toll is charged once after the exit', async () => {
    const { riderId, vehicle } = await driverWithVehicle(10_000);
    assert.deepEqual(await driveTheRoad(vehicle), Array(10).fill('passed'));
    const tolls = await eventually(async () => {
      const answer = await tollsOf(riderId);
      return answer.trips.some((trip) => trip.status === 'complete') ? answer : undefined;
    }, 20_000, 'the toll trip to be charged');
    assert.equal(tolls.trips.length, 1, JSON.stringify(tolls.trips));
    const [trip] = tolls.trips;
    assert.deepEqual([trip.entryStationId, trip.exitStationId], [net.tollSite('TW').id, net.tollSite('TE').id]);
    assert.equal(trip.fareMinor, etcTollMinor('2'));
    assert.equal(trip.chargedMinor, trip.fareMinor);
    const rider = await net.getJson<{ balanceMinor: number }>(`/api/riders/${riderId}`);
    assert.equal(rider.balanceMinor, 10_000 - etcTollMinor('2'));
    // Ten passages reach the gateway, each once (gantries record when the vehicle's window closes),
    // and the gantries become the trip's path: nothing more is charged.
    const stored = async () => Number((await net.gateway.knex('toll_passages').where('tag_id', vehicle.tag!.tagId).count({ n: '*' }).first())?.n);
    await eventually(async () => (await stored()) === 10, 20_000, 'the ten passages to reach the gateway');
    await net.gateway.sweeper.sweepOnce();
    const after = await tollsOf(riderId);
    assert.deepEqual(after.trips.map((each) => [each.status, each.chargedMinor]), [['complete', etcTollMinor('2')]]);
  });

  it('when the account cannot pay, then the operator is paid through the advance and the driver is in arrears', async () => {
    const { riderId, vehicle } = await driverWithVehicle(0, '1');
    assert.deepEqual(await driveTheRoad(vehicle), Array(10).fill('passed'));
    const tolls = await eventually(async () => {
      const answer = await tollsOf(riderId);
      return answer.trips.some((trip) => trip.status === 'complete') ? answer : undefined;
    }, 20_000, 'the toll trip to be charged');
    assert.equal(tolls.trips[0].chargedMinor, etcTollMinor('1'));
    assert.equal(tolls.arrears.state, 'advanced');
    assert.equal(tolls.arrears.outstandingMinor, etcTollMinor('1'));
  });

  it('when the vehicle is deny-listed, then the entry barrier stays down within seconds, and it lifts again once released', async () => {
    const { tokenId, vehicle } = await driverWithVehicle(10_000);
    assert.equal((await net.send('POST', '/api/deny-list', { tokenId, reason: 'test' })).status, 201);
    const entry = net.lane(net.tollSite('TW'));
    await eventually(() => entry.trust.isDenied(tokenId), 2000, 'the entry plaza to deny the vehicle');
    assert.equal(await net.network.tollRoad!.pass(net.tollSite('TW').id, '2', vehicle), 'diverted');
    assert.equal((await net.send('DELETE', `/api/deny-list/${tokenId}`)).status, 200);
    await eventually(() => !entry.trust.isDenied(tokenId), 2000, 'the entry plaza to release the vehicle');
    assert.equal(await net.network.tollRoad!.pass(net.tollSite('TW').id, '2', vehicle), 'passed');
  });

  it('when the road has run, then no lane log line names a plate, tag, token or account', () => {
    assert.ok(laneLog.length > 0, 'the lanes logged');
    assert.ok(identifiers.length >= 12);
    const leaks = laneLog.filter((line) => identifiers.some((identifier) => line.includes(identifier)));
    assert.deepEqual(leaks, []);
  });
});
