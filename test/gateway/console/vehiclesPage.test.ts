import assert from 'node:assert/strict';
import { listDenyList } from '../../../gateway/trust/denyList.js';
import { registerDriver, sendTolls, tollPassage } from '../tolls/tollSupport.js';
import { startTestGateway, T0, type TestGateway } from '../support.js';
import { ConsoleBrowser, errorCodeOf, noticeOf, problemOf, rowsOf } from './consoleSupport.js';

describe('console: vehicles page', () => {
  let t: TestGateway;
  beforeEach(async () => (t = await startTestGateway()));
  afterEach(async () => t.close());

  it('when staff search by plate as written on the car, or by tag, then the vehicle is found with its owner, class and state', async () => {
    const driver = await registerDriver(t.api, { name: 'Dana', vehicleClass: '2' });
    await registerDriver(t.api, { name: 'Eli' });
    const viewer = await ConsoleBrowser.as(t, 'viewer', null);
    const written = `${driver.plate.slice(0, 3).toLowerCase()} ${driver.plate.slice(3, 6)}`;
    const byPlate = rowsOf((await viewer.get(`/console/vehicles?q=${encodeURIComponent(written)}`)).body, 'vehicles');
    assert.deepEqual(byPlate, [`${driver.plate} blue 2 ${driver.tagId} Dana registered allowed`]);
    const byTag = rowsOf((await viewer.get(`/console/vehicles?q=${driver.tagId.toLowerCase()}`)).body, 'vehicles');
    assert.deepEqual(byTag.map((row) => row.split(' ')[0]), [driver.plate]);
    assert.equal(rowsOf((await viewer.get('/console/vehicles')).body, 'vehicles').length, 2);
    assert.deepEqual(rowsOf((await viewer.get('/console/vehicles?q=ZZ99')).body, 'vehicles'), ['no vehicle found']);
  });

  it('when a supervisor denies a vehicle and releases it, then only its own token is denied, and the search it came from is kept', async () => {
    const driver = await registerDriver(t.api, { name: 'Dana' });
    const supervisor = await ConsoleBrowser.as(t, 'supervisor', null);
    const back = `/console/vehicles?q=${driver.plate}`;
    const denied = await supervisor.post(`/console/vehicles/${driver.vehicleId}/deny`, { reason: 'STOLEN_TAG', back });
    assert.deepEqual([denied.status, denied.location], [303, `${back}&done=denied&subject=${driver.plate}`]);
    const page = await supervisor.get(denied.location!);
    assert.match(noticeOf(page.body)!, new RegExp(`^Vehicle ${driver.plate} is denied`));
    assert.match(rowsOf(page.body, 'vehicles')[0]!, /denied: STOLEN_TAG Release$/);
    assert.deepEqual((await listDenyList(t.db.knex)).map((entry) => [entry.tokenId, entry.reason]), [[driver.tokenId, 'STOLEN_TAG']]);
    const released = await supervisor.submit(`/console/vehicles/${driver.vehicleId}/release`, { back });
    assert.match(noticeOf(released.body)!, /is released/);
    assert.deepEqual(await listDenyList(t.db.knex), []);
    const noReason = await supervisor.post(`/console/vehicles/${driver.vehicleId}/deny`, { reason: '', back });
    assert.equal(noReason.status, 400);
    assert.deepEqual(rowsOf(noReason.body, 'vehicles').map((row) => row.split(' ')[0]), [driver.plate], 'the search is shown again');
    const elsewhere = await supervisor.post(`/console/vehicles/${driver.vehicleId}/deny`, { reason: 'X', back: 'https://evil.example/' });
    assert.equal(elsewhere.location, `/console/vehicles?done=denied&subject=${driver.plate}`, 'never sent off the page');
    const unknown = await supervisor.post('/console/vehicles/no-such-vehicle/release');
    assert.deepEqual([unknown.status, problemOf(unknown.body)], [404, 'VEHICLE_NOT_FOUND vehicle no-such-vehicle not found']);
  });

  it("when an operator's staff search, then they find only vehicles that made a trip on their road, and a viewer may not deny one", async () => {
    const travelled = await registerDriver(t.api, { name: 'Dana' });
    const stayedHome = await registerDriver(t.api, { name: 'Eli' });
    await sendTolls(t.api, [tollPassage(travelled, 'TG02', 'pass', T0)]);
    const roadViewer = await ConsoleBrowser.as(t, 'viewer', 'road');
    const rows = rowsOf((await roadViewer.get('/console/vehicles')).body, 'vehicles');
    assert.deepEqual(rows.map((row) => row.split(' ')[0]), [travelled.plate]);
    const refused = await roadViewer.post(`/console/vehicles/${travelled.vehicleId}/deny`, { reason: 'FRAUD' });
    assert.deepEqual([refused.status, errorCodeOf(refused)], [403, 'FORBIDDEN']);
    const roadSupervisor = await ConsoleBrowser.as(t, 'supervisor', 'road');
    const notTheirs = await roadSupervisor.post(`/console/vehicles/${stayedHome.vehicleId}/deny`, { reason: 'FRAUD' });
    assert.equal(notTheirs.status, 404);
    const metroSupervisor = await ConsoleBrowser.as(t, 'supervisor', 'metro');
    assert.deepEqual(rowsOf((await metroSupervisor.get('/console/vehicles')).body, 'vehicles'), ['no vehicle found']);
    assert.deepEqual(await listDenyList(t.db.knex), []);
  });
});
