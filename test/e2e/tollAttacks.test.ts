import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { DEMO_TOLL_PER_KM_MINOR } from '../../demo/network.js';
import { DEMO_ETC_DISCOUNT_PERCENT } from '../../db/seeds/demoTolls.js';
import type { SimVehicle } from '../../simulator/toll/vehicle.js';
import { eventually, TestNetwork } from '../support/testNetwork.js';

const GANTRIES = ['TG01', 'TG02', 'TG03', 'TG04', 'TG05', 'TG06', 'TG07', 'TG08'];
/**
 * Simulated vehicles cover the road in real milliseconds: an hour of road time per second. The
 * gateway's speed limit is 250 km/h of road time, scaled alike, and the lanes here share one
 * clock; a gantry's duplicate window (the same tag again is the same vehicle) is shortened too.
 */
const ROAD_TIME_SCALE = 3600;
const HOP_MS = 300; // between two sites at most 7 km apart: 84 km/h of road time

const etcToll = (km: number) => km * DEMO_TOLL_PER_KM_MINOR['1'] - Math.ceil((km * DEMO_TOLL_PER_KM_MINOR['1'] * DEMO_ETC_DISCOUNT_PERCENT) / 100);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Attacks on the toll road, made the way an attacker would make them and shown to real lanes
 * over MQTT by simulated roadside units, cameras, loops and barriers: each is refused with its
 * own reason, and the registered vehicle's ordinary trips are never refused or flagged.
 */
describe('attacks on the toll road', function () {
  this.timeout(120_000);
  let net: TestNetwork;

  before(async () => {
    net = await new TestNetwork({
      metroStations: 1, buses: 0, tollSites: ['TW', ...GANTRIES, 'TE'],
      gateway: { obuCloneMaxSpeedKmh: 250 * ROAD_TIME_SCALE, obuCloneClockSlackMs: 0 },
      lane: { tollDuplicateWindowS: 1 },
    }).start();
  });
  after(async () => net?.close());

  const road = () => net.network.tollRoad!;
  const site = (id: string) => net.tollSite(id).id;

  async function registeredCar(): Promise<{ riderId: string; tokenId: string; car: SimVehicle }> {
    const driver = await net.api.createRider({ name: 'Driver with a cloned tag', payLaterLimitMinor: 0 });
    await net.api.topUp(driver.id, 10_000, `attack-${driver.id}`);
    const plate = `G${randomBytes(3).toString('hex').toUpperCase()}`;
    const car: SimVehicle = { plate, vehicleClass: '1', tag: { tagId: randomBytes(8).toString('hex').toUpperCase(), declaredClass: '1', plate, tampered: false } };
    const registered = await net.api.registerVehicle(driver.id, { plate, vehicleClass: '1', tagId: car.tag!.tagId });
    for (const toll of net.tollSites) await eventually(() => net.lane(toll).trust.vehicleOfTag(car.tag!.tagId), 5000, `${toll.id} to learn the vehicle`);
    return { riderId: driver.id, tokenId: registered.tokenId, car };
  }

  async function driveTheRoad(car: SimVehicle): Promise<string[]> {
    const outcomes = [await road().pass(site('TW'), '1', car)];
    for (const gantry of GANTRIES) {
      await sleep(HOP_MS);
      outcomes.push(await road().pass(site(gantry), '1', car));
    }
    await sleep(HOP_MS);
    outcomes.push(await road().pass(site('TE'), '3', car));
    return outcomes;
  }

  const tollsOf = (riderId: string) => net.getJson<{ trips: Array<{ status: string; entryStationId: string; exitStationId: string; chargedMinor: number; fareRule: string }> }>(`/api/riders/${riderId}/tolls`);
  const cloneReadsOf = async (tokenId: string) => net.gateway.knex('obu_clone_reads').where({ vehicle_token_id: tokenId }).select('passage_id', 'vehicle_read_id', 'distance_km');

  it('when an OBU is cloned and the copy is read at TG08 while the car passes TG01, 43 km away, then the copy’s read is flagged OBU_CLONE_SUSPECTED, and the copy is turned away at a plaza with that reason; the car’s own trip before was charged and never flagged', async () => {
    const { riderId, tokenId, car } = await registeredCar();
    // An ordinary trip first: plaza to plaza under every gantry, at road speed.
    assert.deepEqual(await driveTheRoad(car), Array(10).fill('passed'));
    const first = await eventually(async () => (await tollsOf(riderId)).trips.find((trip) => trip.status === 'complete'), 20_000, 'the trip to be charged');
    assert.deepEqual([first.entryStationId, first.exitStationId, first.chargedMinor], [site('TW'), site('TE'), etcToll(52)]);
    assert.doesNotMatch(first.fareRule, /OBU_CLONE_SUSPECTED/);

    // The copy: another car, another plate, the same tag (tag id, class and the plate written in it).
    const copy: SimVehicle = { plate: 'KL0N3', vehicleClass: '1', tag: { ...car.tag!, entry: undefined } };
    await sleep(1500); // the car drives back west to TG01 (48 km, past the duplicate window)
    assert.deepEqual(await Promise.all([road().pass(site('TG01'), '1', car), road().pass(site('TG08'), '2', copy)]), ['passed', 'passed']);

    const flagged = await eventually(async () => {
      const rows = await cloneReadsOf(tokenId);
      return rows.length ? rows : undefined;
    }, 20_000, 'the gateway to attribute a read to a clone');
    const copyRead = await net.gateway.knex('toll_passages').where({ id: flagged[0].passage_id }).first('station_id', 'plate', 'exceptions');
    assert.deepEqual([flagged.length, copyRead.station_id, copyRead.plate, flagged[0].distance_km], [1, site('TG08'), 'KL0N3', 43]);
    assert.deepEqual(JSON.parse(copyRead.exceptions), ['PLATE_MISMATCH'], 'the gantry saw another plate than the one in the tag');
    const carRead = await net.gateway.knex('toll_passages').where({ id: flagged[0].vehicle_read_id }).first('station_id', 'plate');
    assert.deepEqual([carRead.station_id, carRead.plate], [site('TG01'), car.plate]);

    // The deny entry reaches the plazas as a trust delta; the copy is then turned away with its own reason.
    const east = net.lane(net.tollSite('TE'));
    await eventually(() => east.trust.denyReason(tokenId) === 'OBU_CLONE_SUSPECTED', 10_000, 'East plaza to deny the tag');
    const entryLane = road().lane(site('TE'), '1');
    assert.equal(await road().pass(site('TE'), '1', copy), 'diverted');
    assert.deepEqual(entryLane.display!.lines, ['Tag blocked', 'Use the attendant lane']);
    const divert: { action: string; exceptions: string } = await eventually(() => net.gateway.knex('toll_passages').where({ station_id: site('TE'), plate: 'KL0N3' }).first('action', 'exceptions'), 20_000, 'the divert to reach the gateway');
    assert.equal(divert.action, 'divert');
    assert.ok(JSON.parse(divert.exceptions).includes('OBU_CLONE_SUSPECTED'), divert.exceptions);
    assert.ok(!JSON.parse(divert.exceptions).includes('DENY_LISTED'), 'its own reason, not the arrears one');

    // The car's own read at TG01 is charged (its gantry fee); the copy's read is charged to nobody.
    const trips = await eventually(async () => {
      const answer = await tollsOf(riderId);
      return answer.trips.length === 2 ? answer.trips : undefined;
    }, 20_000, 'the TG01 trip');
    assert.deepEqual(trips.map((trip) => [trip.entryStationId, trip.exitStationId]), [[site('TG01'), site('TG01')], [site('TW'), site('TE')]]);
    assert.match(trips[0].fareRule, /exceptions: OBU_CLONE_SUSPECTED/);
    const charged = (await net.getJson<{ charges: Array<{ amountMinor: number }> }>(`/api/riders/${riderId}/charges`)).charges.reduce((sum, charge) => sum + charge.amountMinor, 0);
    assert.equal(charged, etcToll(52) + etcToll(4));
  });

  it('when another driver makes ordinary trips back and forth at road speed, then no read is flagged and no barrier stays down', async () => {
    const { riderId, tokenId, car } = await registeredCar();
    assert.deepEqual(await driveTheRoad(car), Array(10).fill('passed'));
    await sleep(1000);
    const back = [await road().pass(site('TE'), '2', car)];
    for (const gantry of [...GANTRIES].reverse()) {
      await sleep(HOP_MS);
      back.push(await road().pass(site(gantry), '2', car));
    }
    await sleep(HOP_MS);
    back.push(await road().pass(site('TW'), '4', car));
    assert.deepEqual(back, Array(10).fill('passed'));
    await eventually(async () => (await tollsOf(riderId)).trips.filter((trip) => trip.status === 'complete').length === 2, 20_000, 'both trips to be charged');
    assert.deepEqual(await cloneReadsOf(tokenId), []);
    assert.equal(net.lane(net.tollSite('TW')).trust.denyReason(tokenId), undefined);
  });
});
