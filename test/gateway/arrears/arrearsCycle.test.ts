import assert from 'node:assert/strict';
import { topics } from '../../../protocol/topics.js';
import { accountBalance } from '../../../gateway/ledger/accounts.js';
import { checkLedger } from '../../../gateway/ledger/consistencyChecks.js';
import { enrolRider, listen, startTestGateway, type TestGateway } from '../support.js';
import { arrearsOf, BUS_FARE, HOUR, rideBus, riderView, topUp } from '../moneySupport.js';

const GRACE_S = 24 * 3600;
const RETRY_S = 6 * 3600;

describe('arrears cycle: advance, retry, grace, deny, release', () => {
  let t: TestGateway;
  beforeEach(async () => (t = await startTestGateway({ broker: true, config: { arrearsGraceS: GRACE_S, arrearsRetryIntervalS: RETRY_S } })));
  afterEach(async () => t.close());

  const deniedTokens = async () => (await t.api.call('GET', '/api/deny-list')).body.entries.map((entry: { tokenId: string }) => entry.tokenId);

  it('when a charge cannot be covered, then the operator is paid in full from the advance, the debt is recorded as advanced, and the rider is not yet denied', async () => {
    const rider = await enrolRider(t.api, { payLaterLimitMinor: 0 });
    await rideBus(t, rider);
    assert.equal(await accountBalance(t.db.knex, 'operator_revenue:bus:EUR'), BUS_FARE);
    assert.equal(await accountBalance(t.db.knex, `arrears_advance:${rider.riderId}:EUR`), -BUS_FARE);
    const arrears = await arrearsOf(t.api, rider.riderId);
    assert.deepEqual([arrears.state, arrears.outstandingMinor, arrears.records.length], ['advanced', BUS_FARE, 1]);
    assert.deepEqual(arrears.events.map((event: { reason: string; to: string }) => [event.reason, event.to]), [['CHARGE_NOT_COVERED', 'advanced']]);
    assert.equal(arrears.events[0].postingId, arrears.records[0].postingId, 'the advance event names the charge posting');
    assert.deepEqual(await deniedTokens(), []);
    assert.equal((await riderView(t.api, rider.riderId)).status, 'active');
  });

  it('when a scheduled retry fails, then the debt is in grace, and when grace runs out the tokens are deny-listed with reason ARREARS and pushed to lanes', async () => {
    const lane = await listen(t.broker!.url, topics.trustDelta());
    try {
      const rider = await enrolRider(t.api, { payLaterLimitMinor: 0 });
      await rideBus(t, rider);
      await t.gateway.arrears.sweepOnce();
      assert.equal((await arrearsOf(t.api, rider.riderId)).state, 'advanced', 'nothing is due before the retry interval');
      t.clock.advance(RETRY_S * 1000);
      await t.gateway.arrears.sweepOnce();
      const inGrace = await arrearsOf(t.api, rider.riderId);
      assert.equal(inGrace.state, 'in_grace');
      assert.equal(inGrace.events[0].reason, 'RETRY_FAILED');
      assert.deepEqual(await deniedTokens(), []);
      t.clock.advance(GRACE_S * 1000 - RETRY_S * 1000);
      await t.gateway.arrears.sweepOnce();
      const denied = await arrearsOf(t.api, rider.riderId);
      assert.equal(denied.state, 'deny_listed');
      assert.ok(denied.events.some((event: { reason: string; to: string }) => event.reason === 'GRACE_EXPIRED' && event.to === 'deny_listed'));
      assert.deepEqual(await deniedTokens(), [rider.tokenId]);
      const pushed = await lane.next((message) => message.kind === 'deny.add' && message.tokenId === rider.tokenId);
      assert.equal(pushed.reason, 'ARREARS');
      assert.equal((await riderView(t.api, rider.riderId)).status, 'in_arrears');
      const before = (await arrearsOf(t.api, rider.riderId)).events.length;
      await t.gateway.arrears.sweepOnce();
      assert.equal((await arrearsOf(t.api, rider.riderId)).events.length, before, 'a sweep at the same time changes nothing');
    } finally {
      await lane.close();
    }
  });

  it('when a top-up covers the debt, then a repayment posting settles it and the tokens are released at once', async () => {
    const lane = await listen(t.broker!.url, topics.trustDelta());
    try {
      const rider = await enrolRider(t.api, { payLaterLimitMinor: 0 });
      await rideBus(t, rider);
      t.clock.advance(GRACE_S * 1000);
      await t.gateway.arrears.sweepOnce();
      assert.deepEqual(await deniedTokens(), [rider.tokenId]);
      await topUp(t.api, rider.riderId, 100, 'part');
      const partly = await arrearsOf(t.api, rider.riderId);
      assert.deepEqual([partly.state, partly.outstandingMinor], ['deny_listed', BUS_FARE - 100], 'a partial repayment keeps the denial');
      await topUp(t.api, rider.riderId, 500, 'rest');
      const settled = await arrearsOf(t.api, rider.riderId);
      assert.deepEqual([settled.state, settled.outstandingMinor], ['settled', 0]);
      assert.deepEqual(settled.events.filter((event: { reason: string }) => event.reason === 'REPAID').map((event: { amountMinor: number }) => event.amountMinor).sort(), [100, BUS_FARE - 100].sort());
      assert.deepEqual(await deniedTokens(), []);
      await lane.next((message) => message.kind === 'deny.remove' && message.tokenId === rider.tokenId);
      assert.equal((await riderView(t.api, rider.riderId)).balanceMinor, 600 - BUS_FARE);
      assert.equal(await accountBalance(t.db.knex, `arrears_advance:${rider.riderId}:EUR`), 0);
      const repayments = await t.db.knex('postings').where({ rider_id: rider.riderId, kind: 'arrears_repay' }).select('idempotency_key');
      assert.equal(repayments.length, 2);
      assert.deepEqual(await checkLedger(t.db.knex), []);
    } finally {
      await lane.close();
    }
  });

  it('when a debt is repaid within grace, then it is settled without ever being deny-listed', async () => {
    const rider = await enrolRider(t.api, { payLaterLimitMinor: 0 });
    await rideBus(t, rider);
    t.clock.advance(HOUR);
    await topUp(t.api, rider.riderId, 1000, 'soon');
    const arrears = await arrearsOf(t.api, rider.riderId);
    assert.equal(arrears.state, 'settled');
    assert.ok(!arrears.events.some((event: { to: string }) => event.to === 'deny_listed'));
    t.clock.advance(GRACE_S * 1000);
    await t.gateway.arrears.sweepOnce();
    assert.deepEqual(await deniedTokens(), []);
  });

  it('when several charges are advanced, then repayments go oldest first and the tokens stay denied until every deny-listed debt is repaid', async () => {
    const rider = await enrolRider(t.api, { payLaterLimitMinor: 0 });
    await rideBus(t, rider, 'B42-1');
    t.clock.advance(GRACE_S * 1000);
    await rideBus(t, rider, 'B42-2');
    await t.gateway.arrears.sweepOnce();
    const both = await arrearsOf(t.api, rider.riderId);
    assert.deepEqual(both.records.map((record: { state: string }) => record.state).sort(), ['advanced', 'deny_listed'], 'the newer debt is not due for a retry yet');
    assert.equal(both.state, 'deny_listed');
    await topUp(t.api, rider.riderId, BUS_FARE, 'one');
    const after = await arrearsOf(t.api, rider.riderId);
    assert.deepEqual(after.records.map((record: { state: string }) => record.state).sort(), ['in_grace', 'settled'], 'the older (deny-listed) debt was repaid first; the top-up retried the newer one and failed');
    assert.equal(after.state, 'in_grace');
    assert.deepEqual(await deniedTokens(), [], 'released: no debt is past its grace');
  });
});
