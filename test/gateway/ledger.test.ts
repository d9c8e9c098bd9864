import assert from 'node:assert/strict';
import { topics } from '../../protocol/topics.js';
import { accountBalance } from '../../gateway/ledger/accounts.js';
import { findUnbalancedPostings } from '../../gateway/ledger/ledger.js';
import { demoMetroFareMatrix } from '../../demo/network.js';
import { enrolRider, listen, passage, sendPassages, startTestGateway, T0, type TestGateway } from './support.js';

const MIN = 60_000;
const fares = demoMetroFareMatrix();

describe('gateway ledger and arrears', () => {
  let t: TestGateway;
  // Grace 0: an advanced charge is deny-listed at once (the arrears cycle; test/gateway/arrears/ covers grace).
  beforeEach(async () => (t = await startTestGateway({ broker: true, config: { arrearsGraceS: 0 } })));
  afterEach(async () => t.close());

  it('when journeys and top-ups are posted, then every posting sums to zero and balances are the sums of entries', async () => {
    const rider = await enrolRider(t.api);
    await t.api.call('POST', `/api/riders/${rider.riderId}/topups`, { amountMinor: 1000, reference: 'a' });
    await sendPassages(t.api, [
      passage(rider.tokenId, 'M1-01', 'entry', T0),
      passage(rider.tokenId, 'M1-03', 'exit', T0 + 10 * MIN),
      passage(rider.tokenId, 'B42-1', 'board', T0 + 30 * MIN),
    ]);
    assert.deepEqual(await findUnbalancedPostings(t.db.knex), []);
    const view = (await t.api.call('GET', `/api/riders/${rider.riderId}`)).body;
    const entries = await t.db.knex('ledger_entries').join('accounts', 'accounts.id', 'ledger_entries.account_id').where('accounts.owner_id', rider.riderId).select('amount_minor');
    assert.equal(view.balanceMinor, entries.reduce((sum, row) => sum + Number(row.amount_minor), 0));
    assert.equal(view.balanceMinor, 1000 - fares['M1-01']['M1-03'] - 150);
    assert.equal(await accountBalance(t.db.knex, 'operator_revenue:metro:EUR'), fares['M1-01']['M1-03']);
    assert.equal(await accountBalance(t.db.knex, 'operator_revenue:bus:EUR'), 150);
    const all = await t.db.knex('ledger_entries').sum({ total: 'amount_minor' }).first();
    assert.equal(Number(all?.total), 0);
  });

  it('when a charge exceeds wallet and pay-later line and grace is 0, then the operator is paid, the rest is advanced, the rider is denied, and a top-up that repays it releases them', async () => {
    const lane = await listen(t.broker!.url, topics.trustDelta());
    try {
      const rider = await enrolRider(t.api, { payLaterLimitMinor: 200 });
      await sendPassages(t.api, [passage(rider.tokenId, 'M1-01', 'entry', T0), passage(rider.tokenId, 'M1-08', 'exit', T0 + 30 * MIN)]);
      const fare = fares['M1-01']['M1-08'];
      const view = (await t.api.call('GET', `/api/riders/${rider.riderId}`)).body;
      assert.deepEqual([view.status, view.balanceMinor, view.availableMinor], ['in_arrears', -200, 0], 'the wallet pays down to its line');
      assert.equal(await accountBalance(t.db.knex, 'operator_revenue:metro:EUR'), fare, 'the operator is credited in full');
      assert.equal(await accountBalance(t.db.knex, `arrears_advance:${rider.riderId}:EUR`), -(fare - 200), 'the advance paid the rest');
      const arrears = (await t.api.call('GET', `/api/riders/${rider.riderId}/arrears`)).body;
      assert.deepEqual([arrears.state, arrears.outstandingMinor], ['deny_listed', fare - 200]);

      const trust = (await t.api.call('GET', '/api/lane/v1/trust?since=0')).body;
      const denied = trust.changes.find((c: { kind: string; tokenId?: string }) => c.kind === 'deny.add' && c.tokenId === rider.tokenId);
      assert.equal(denied.reason, 'ARREARS');
      const pushed = await lane.next((m) => m.kind === 'deny.add' && m.tokenId === rider.tokenId);
      assert.deepEqual(pushed, denied);
      assert.deepEqual((await t.api.call('GET', '/api/deny-list')).body.entries.map((e: { tokenId: string }) => e.tokenId), [rider.tokenId]);

      const small = await t.api.call('POST', `/api/riders/${rider.riderId}/topups`, { amountMinor: fare - 201, reference: 'not-enough' });
      assert.equal(small.status, 201);
      assert.equal((await t.api.call('GET', `/api/riders/${rider.riderId}`)).body.status, 'in_arrears');
      await t.api.call('POST', `/api/riders/${rider.riderId}/topups`, { amountMinor: 1, reference: 'enough' });
      assert.equal((await t.api.call('GET', `/api/riders/${rider.riderId}`)).body.status, 'active');
      assert.equal((await t.api.call('GET', `/api/riders/${rider.riderId}/arrears`)).body.state, 'settled');
      assert.equal(await accountBalance(t.db.knex, `arrears_advance:${rider.riderId}:EUR`), 0);
      const released = await lane.next((m) => m.kind === 'deny.remove' && m.tokenId === rider.tokenId);
      assert.ok(released.version > denied.version);
      assert.deepEqual((await t.api.call('GET', '/api/deny-list')).body.entries, []);
      assert.deepEqual(await findUnbalancedPostings(t.db.knex), []);
    } finally {
      await lane.close();
    }
  });

  it('when a rider in arrears enrols another phone, then its token is denied too', async () => {
    const rider = await enrolRider(t.api, { payLaterLimitMinor: 0 });
    await sendPassages(t.api, [passage(rider.tokenId, 'B42-3', 'board', T0)]);
    const key = Buffer.alloc(32, 7).toString('base64url');
    const phone = await t.api.call('POST', `/api/riders/${rider.riderId}/phones`, { publicKey: key, algorithm: 'ed25519' });
    const entries = (await t.api.call('GET', '/api/deny-list')).body.entries.map((e: { tokenId: string }) => e.tokenId).sort();
    assert.deepEqual(entries, [rider.tokenId, phone.body.tokenId].sort());
  });
});
