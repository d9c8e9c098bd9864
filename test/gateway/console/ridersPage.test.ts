import assert from 'node:assert/strict';
import { listDenyList } from '../../../gateway/trust/denyList.js';
import { registerDriver } from '../tolls/tollSupport.js';
import { enrolRider, passage, sendPassages, startTestGateway, T0, type TestGateway } from '../support.js';
import { ConsoleBrowser, errorCodeOf, noticeOf, problemOf, rowsOf, textOf } from './consoleSupport.js';

const MIN = 60_000;

describe('console: riders page', () => {
  let t: TestGateway;
  beforeEach(async () => (t = await startTestGateway()));
  afterEach(async () => t.close());

  async function riderWithEmail(name: string, email: string) {
    const created = await t.api.call('POST', '/api/riders', { name, email });
    assert.equal(created.status, 201);
    return created.body.id as string;
  }

  it("when the network's staff search by name, e-mail or id, then matching riders are listed, newest first", async () => {
    const ada = await riderWithEmail('Ada Lovelace', 'ada@example.org');
    const grace = await riderWithEmail('Grace Hopper', 'grace@navy.example');
    const viewer = await ConsoleBrowser.as(t, 'viewer', null);
    const names = async (q: string) => rowsOf((await viewer.get(`/console/riders?q=${encodeURIComponent(q)}`)).body, 'riders').map((row) => row.split(' ').slice(0, 2).join(' '));
    assert.deepEqual(await names('LOVE'), ['Ada Lovelace']);
    assert.deepEqual(await names('navy.example'), ['Grace Hopper']);
    assert.deepEqual(await names(ada), ['Ada Lovelace']);
    assert.deepEqual(await names(''), ['Grace Hopper', 'Ada Lovelace']);
    // LIKE's wildcards are taken literally.
    assert.deepEqual(await names('%'), ['no rider']);
    assert.ok(grace);
  });

  it("when the network's staff open a rider, then status, money, travel and tokens are shown", async () => {
    const rider = await enrolRider(t.api, { name: 'Ada' });
    await t.api.call('POST', `/api/riders/${rider.riderId}/topups`, { amountMinor: 2000, reference: 'r1' });
    await sendPassages(t.api, [passage(rider.tokenId, 'M1-01', 'entry', T0), passage(rider.tokenId, 'M1-05', 'exit', T0 + 20 * MIN), passage(rider.tokenId, 'B42-1', 'board', T0 + 40 * MIN)]);
    const admin = await ConsoleBrowser.as(t, 'admin', null);
    const page = await admin.get(`/console/riders/${rider.riderId}`);
    assert.equal(page.status, 200);
    const text = textOf(page.body);
    assert.match(text, /Status active/);
    assert.match(text, /Wallet balance €15\.10 Pay-later line €20\.00 Available €35\.10 Arrears current/);
    assert.match(text, /2 journeys and trips \(2 complete\), €4\.90 charged, from 2026-01-05 09:00:00 to 2026-01-05 09:40:00/);
    assert.deepEqual(rowsOf(page.body, 'journeys'), ['2026-01-05 09:40:00 bus bus Bus 42 #1 complete €1.50', '2026-01-05 09:00:00 metro metro Harbour → University complete €3.40']);
    assert.deepEqual(rowsOf(page.body, 'tokens'), [`${rider.tokenId} phone 2026-01-05 09:00:00 allowed`]);
  });

  it('when a supervisor denies a rider and then releases them, then every token is denied and released, with notices', async () => {
    const driver = await registerDriver(t.api, { name: 'Dana' });
    const supervisor = await ConsoleBrowser.as(t, 'supervisor', null);
    const denied = await supervisor.submit(`/console/riders/${driver.riderId}/deny`, { reason: 'FRAUD' });
    assert.match(noticeOf(denied.body)!, /lanes refuse the rider's token within seconds/);
    assert.match(rowsOf(denied.body, 'tokens')[0]!, new RegExp(`^${driver.tokenId} vehicle ${driver.plate} .* denied: FRAUD since 2026-01-05 09:00:00$`));
    assert.deepEqual((await listDenyList(t.db.knex)).map((entry) => entry.tokenId), [driver.tokenId]);
    const released = await supervisor.submit(`/console/riders/${driver.riderId}/release`);
    assert.match(noticeOf(released.body)!, /^Released one token/);
    assert.deepEqual(await listDenyList(t.db.knex), []);
    const nothing = await supervisor.post(`/console/riders/${driver.riderId}/release`);
    assert.deepEqual([nothing.status, problemOf(nothing.body)], [404, `TOKEN_NOT_FOUND no token of rider ${driver.riderId} is on the deny list`]);
    const noReason = await supervisor.post(`/console/riders/${driver.riderId}/deny`, { reason: '' });
    assert.equal(noReason.status, 400);
    assert.match(problemOf(noReason.body)!, /reason is invalid/);
  });

  it('when a rider has no phone and no vehicle, then denying them says there is nothing to deny', async () => {
    const created = await t.api.call('POST', '/api/riders', { name: 'Nobody' });
    const supervisor = await ConsoleBrowser.as(t, 'supervisor', null);
    const answer = await supervisor.post(`/console/riders/${created.body.id}/deny`, { reason: 'FRAUD' });
    assert.deepEqual([answer.status, problemOf(answer.body)], [404, 'TOKEN_NOT_FOUND Nobody has no phone enrolled and no vehicle registered: there is nothing to deny']);
  });

  it("when an operator's staff look for riders, then they find only those who travelled with them, see only that travel, and no money or e-mail", async () => {
    const busRider = await enrolRider(t.api, { name: 'Bus Rider' });
    const metroRider = await enrolRider(t.api, { name: 'Metro Rider' });
    await sendPassages(t.api, [passage(busRider.tokenId, 'B42-1', 'board', T0), passage(busRider.tokenId, 'M1-01', 'entry', T0 + MIN), passage(metroRider.tokenId, 'M1-02', 'entry', T0)]);
    const busViewer = await ConsoleBrowser.as(t, 'viewer', 'bus');
    const listed = rowsOf((await busViewer.get('/console/riders')).body, 'riders');
    assert.deepEqual(listed.map((row) => row.split(' ').slice(0, 2).join(' ')), ['Bus Rider']);
    const page = await busViewer.get(`/console/riders/${busRider.riderId}`);
    const text = textOf(page.body);
    assert.match(text, /Travel with bus 1 journeys and trips \(1 complete\)/);
    assert.doesNotMatch(text, /Wallet balance|E-mail/);
    assert.deepEqual(rowsOf(page.body, 'journeys').map((row) => row.split(' ')[2]), ['bus']);
    const hidden = await busViewer.get(`/console/riders/${metroRider.riderId}`);
    assert.deepEqual([hidden.status, problemOf(hidden.body)], [404, `RIDER_NOT_FOUND rider ${metroRider.riderId} not found`]);
    assert.doesNotMatch(page.body, /action="\/console\/riders\/[^"]+\/deny"/, 'a viewer is offered no form');
    const refused = await busViewer.post(`/console/riders/${busRider.riderId}/deny`, { reason: 'FRAUD' });
    assert.deepEqual([refused.status, errorCodeOf(refused)], [403, 'FORBIDDEN']);
    const busSupervisor = await ConsoleBrowser.as(t, 'supervisor', 'bus');
    const notTheirs = await busSupervisor.post(`/console/riders/${metroRider.riderId}/deny`, { reason: 'FRAUD' });
    assert.equal(notTheirs.status, 404);
    assert.deepEqual(await listDenyList(t.db.knex), []);
  });
});
