import assert from 'node:assert/strict';
import { topics } from '../../../protocol/topics.js';
import { listen, startTestGateway, type TestGateway } from '../support.js';
import { randomPlate, randomTag, registerDriver } from './tollSupport.js';

describe('tolls: vehicles, tags and plates', () => {
  let t: TestGateway;
  beforeEach(async () => (t = await startTestGateway({ broker: true })));
  afterEach(async () => t.close());

  const trust = async (since = 0) => (await t.api.call('GET', `/api/lane/v1/trust?since=${since}`)).body;

  it('when a driver registers a vehicle, then it gets its own token and lanes learn it as vehicle.add, pushed and over HTTP', async () => {
    const lane = await listen(t.broker!.url, topics.trustDelta());
    try {
      const rider = (await t.api.call('POST', '/api/riders', { name: 'Dana' })).body;
      const tagId = randomTag().toLowerCase();
      const answer = await t.api.call('POST', `/api/riders/${rider.id}/vehicles`, { plate: 'ab-12 cd', plateColour: 'blue', vehicleClass: '2', tagId });
      assert.equal(answer.status, 201);
      assert.match(answer.body.tokenId, /^[0-9a-f]{32}$/);
      assert.deepEqual([answer.body.plate, answer.body.tagId, answer.body.vehicleClass], ['AB12CD', tagId.toUpperCase(), '2']);
      const pushed = await lane.next((message) => message.kind === 'vehicle.add' && message.tokenId === answer.body.tokenId);
      assert.deepEqual([pushed.plate, pushed.tagId, pushed.vehicleClass], ['AB12CD', tagId.toUpperCase(), '2']);
      assert.ok((await trust()).changes.some((change: { kind: string; tokenId: string }) => change.kind === 'vehicle.add' && change.tokenId === answer.body.tokenId));
      const listed = (await t.api.call('GET', `/api/riders/${rider.id}/vehicles`)).body.vehicles;
      assert.deepEqual(listed.map((vehicle: { id: string }) => vehicle.id), [answer.body.id]);
    } finally {
      await lane.close();
    }
  });

  it('when the class changes, then lanes get the vehicle again with the new class; when it is removed, then vehicle.remove and its plate is free again', async () => {
    const driver = await registerDriver(t.api);
    const { version } = await trust();
    const changed = await t.api.call('PATCH', `/api/riders/${driver.riderId}/vehicles/${driver.vehicleId}`, { vehicleClass: '3' });
    assert.equal(changed.status, 200);
    assert.equal(changed.body.vehicleClass, '3');
    const removed = await t.api.call('DELETE', `/api/riders/${driver.riderId}/vehicles/${driver.vehicleId}`);
    assert.equal(removed.status, 200);
    assert.ok(removed.body.removedAt);
    const changes = (await trust(version)).changes.map((change: { kind: string; tokenId: string; vehicleClass?: string }) => [change.kind, change.tokenId, change.vehicleClass]);
    assert.deepEqual(changes, [['vehicle.add', driver.tokenId, '3'], ['vehicle.remove', driver.tokenId, undefined]]);
    assert.deepEqual((await t.api.call('GET', `/api/riders/${driver.riderId}/vehicles`)).body.vehicles, []);
    const again = await t.api.call('DELETE', `/api/riders/${driver.riderId}/vehicles/${driver.vehicleId}`);
    assert.equal(again.status, 200, 'removing twice changes nothing');
    assert.equal((await trust()).version, version + 2);
    const other = (await t.api.call('POST', '/api/riders', { name: 'Eve' })).body;
    assert.equal((await t.api.call('POST', `/api/riders/${other.id}/vehicles`, { plate: driver.plate, vehicleClass: '1', tagId: driver.tagId })).status, 201);
  });

  it('when a plate or tag is already registered, or the plate or class is bad, then a 4xx with a stable code', async () => {
    const driver = await registerDriver(t.api);
    const rider = (await t.api.call('POST', '/api/riders', { name: 'Eve' })).body;
    const register = (body: unknown) => t.api.call('POST', `/api/riders/${rider.id}/vehicles`, body);
    const cases: Array<[unknown, number, string]> = [
      [{ plate: driver.plate, vehicleClass: '1' }, 409, 'PLATE_ALREADY_REGISTERED'],
      [{ plate: randomPlate(), vehicleClass: '1', tagId: driver.tagId }, 409, 'TAG_ALREADY_REGISTERED'],
      [{ plate: 'X', vehicleClass: '1' }, 400, 'PLATE_INVALID'],
      [{ plate: 'ÄÖÜ123', vehicleClass: '1' }, 400, 'PLATE_INVALID'],
      [{ plate: randomPlate(), vehicleClass: '7' }, 422, 'VEHICLE_CLASS_INVALID'],
      [{ plate: randomPlate(), vehicleClass: 'car' }, 422, 'VEHICLE_CLASS_INVALID'],
      [{ plate: randomPlate(), vehicleClass: '1', tagId: 'nothex' }, 400, 'VALIDATION_FAILED'],
      [{ vehicleClass: '1' }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [body, status, code] of cases) {
      const answer = await register(body);
      assert.deepEqual([answer.status, answer.body.error?.code], [status, code], JSON.stringify(body));
      assert.ok(answer.body.error.message.length > 0);
    }
    assert.equal((await t.api.call('POST', '/api/riders/nobody/vehicles', { plate: randomPlate(), vehicleClass: '1' })).body.error.code, 'RIDER_NOT_FOUND');
    assert.equal((await t.api.call('PATCH', `/api/riders/${rider.id}/vehicles/${driver.vehicleId}`, { vehicleClass: '2' })).body.error.code, 'VEHICLE_NOT_FOUND');
  });

  it('when an operator deny-lists a driver, then the vehicle token is denied with the phones', async () => {
    const driver = await registerDriver(t.api);
    const answer = await t.api.call('POST', '/api/deny-list', { riderId: driver.riderId, reason: 'FRAUD' });
    assert.equal(answer.status, 201);
    assert.deepEqual(answer.body.tokenIds, [driver.tokenId]);
    const byToken = await t.api.call('POST', '/api/deny-list', { tokenId: driver.tokenId, reason: 'FRAUD' });
    assert.equal(byToken.status, 201, 'a vehicle token is a known token');
  });
});
