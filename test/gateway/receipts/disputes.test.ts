import assert from 'node:assert/strict';
import { accountBalance } from '../../../gateway/ledger/accounts.js';
import { checkLedger } from '../../../gateway/ledger/consistencyChecks.js';
import { netChargedMinor } from '../../../gateway/ledger/netCharged.js';
import { enrolRider, startTestGateway, T0, type TestGateway } from '../support.js';
import { arrearsOf, BUS_FARE, chargesOf, HOUR, METRO_FARES, rideBus, rideMetro, riderView, topUp } from '../moneySupport.js';

describe('refunds and disputes', () => {
  let t: TestGateway;
  beforeEach(async () => (t = await startTestGateway({ config: { arrearsGraceS: 0 } })));
  afterEach(async () => t.close());

  it('when an operator grants part of a dispute, then a reversing posting keyed by the dispute pays it back, the charge is untouched, and receipt, invoice and net charged show it', async () => {
    const rider = await enrolRider(t.api);
    await topUp(t.api, rider.riderId, 1000, 'c1');
    await rideMetro(t, rider, 'M1-01', 'M1-08');
    const fare = METRO_FARES['M1-01']['M1-08'];
    const [charge] = await chargesOf(t.api, rider.riderId);
    const invoice = (await t.api.call('POST', `/api/riders/${rider.riderId}/invoices`, { chargeIds: [charge.id] })).body.invoices[0];
    const opened = await t.api.call('POST', `/api/riders/${rider.riderId}/disputes`, { chargeId: charge.id, reason: 'I exited at M1-03, the gate did not read me' });
    assert.deepEqual([opened.status, opened.body.state], [201, 'open']);
    const again = await t.api.call('POST', `/api/riders/${rider.riderId}/disputes`, { chargeId: charge.id, reason: 'I exited at M1-03, the gate did not read me' });
    assert.deepEqual([again.status, again.body.id], [200, opened.body.id]);
    assert.deepEqual((await t.api.call('GET', '/api/operators/metro/disputes?state=open')).body.disputes.map((d: { id: string }) => d.id), [opened.body.id]);

    const refundMinor = fare - METRO_FARES['M1-01']['M1-03'];
    const granted = await t.api.call('POST', `/api/disputes/${opened.body.id}/decision`, { decision: 'grant', amountMinor: refundMinor, note: 'charged to M1-03' });
    assert.deepEqual([granted.status, granted.body.state, granted.body.grantedMinor], [200, 'granted', refundMinor]);
    const refund = await t.db.knex('postings').where({ id: granted.body.refundPostingId }).first();
    assert.deepEqual([refund.idempotency_key, refund.kind], [`refund:${opened.body.id}`, 'refund']);
    assert.equal((await riderView(t.api, rider.riderId)).balanceMinor, 1000 - fare + refundMinor);
    assert.equal(await accountBalance(t.db.knex, 'operator_revenue:metro:EUR'), fare - refundMinor);
    assert.equal((await chargesOf(t.api, rider.riderId))[0].amountMinor, fare, 'the charge itself is never edited');

    const receipt = (await t.api.call('GET', `/api/receipts/${charge.id}`)).body;
    assert.deepEqual(receipt.refunds.map((r: { amountMinor: number }) => r.amountMinor), [refundMinor]);
    const after = (await t.api.call('GET', `/api/invoices/${invoice.id}`)).body;
    assert.deepEqual([after.grossMinor, after.refundedMinor, after.grossAfterRefundsMinor], [fare, refundMinor, fare - refundMinor]);
    assert.match((await t.api.call('GET', `/api/invoices/${invoice.id}/html`)).body, /Refunds against this invoice/);
    assert.equal(await netChargedMinor(t.db.knex, { riderId: rider.riderId, fromMs: T0, toMs: T0 + 24 * HOUR }), fare - refundMinor, 'caps see the refund');

    const twice = await t.api.call('POST', `/api/disputes/${opened.body.id}/decision`, { decision: 'reject', note: 'no' });
    assert.deepEqual([twice.status, twice.body.error.code], [409, 'DISPUTE_ALREADY_DECIDED']);
    const replay = await t.api.call('POST', `/api/disputes/${opened.body.id}/decision`, { decision: 'grant', amountMinor: refundMinor });
    assert.equal(replay.status, 200, 'the same decision again changes nothing');
    assert.equal(await t.db.knex('postings').where({ kind: 'refund' }).count({ n: '*' }).first().then((row) => Number(row?.n)), 1);
    assert.deepEqual(await checkLedger(t.db.knex), []);
  });

  it('when a dispute asks back more than is left on the charge, then it is refused; when rejected, then nothing is posted', async () => {
    const rider = await enrolRider(t.api);
    await topUp(t.api, rider.riderId, 1000, 'c1');
    await rideBus(t, rider);
    const [charge] = await chargesOf(t.api, rider.riderId);
    const first = (await t.api.call('POST', `/api/riders/${rider.riderId}/disputes`, { chargeId: charge.id, reason: 'double' })).body;
    const tooMuch = await t.api.call('POST', `/api/disputes/${first.id}/decision`, { decision: 'grant', amountMinor: BUS_FARE + 1 });
    assert.deepEqual([tooMuch.status, tooMuch.body.error.code, tooMuch.body.error.details.refundableMinor], [422, 'REFUND_EXCEEDS_CHARGE', BUS_FARE]);
    const rejected = await t.api.call('POST', `/api/disputes/${first.id}/decision`, { decision: 'reject', note: 'the boarding was recorded' });
    assert.equal(rejected.body.state, 'rejected');
    assert.equal(await t.db.knex('postings').where({ kind: 'refund' }).count({ n: '*' }).first().then((row) => Number(row?.n)), 0);
    const second = (await t.api.call('POST', `/api/riders/${rider.riderId}/disputes`, { chargeId: charge.id, reason: 'really double' })).body;
    assert.equal((await t.api.call('POST', `/api/disputes/${second.id}/decision`, { decision: 'grant' })).body.grantedMinor, BUS_FARE, 'a grant without an amount is in full');
    const third = (await t.api.call('POST', `/api/riders/${rider.riderId}/disputes`, { chargeId: charge.id, reason: 'more' })).body;
    assert.equal((await t.api.call('POST', `/api/disputes/${third.id}/decision`, { decision: 'grant', amountMinor: 1 })).body.error.code, 'REFUND_EXCEEDS_CHARGE');
  });

  it('when a refund is granted on an advanced charge, then it cancels the debt first and the rider is released', async () => {
    const rider = await enrolRider(t.api, { payLaterLimitMinor: 0 });
    await rideBus(t, rider);
    assert.equal((await arrearsOf(t.api, rider.riderId)).state, 'deny_listed');
    const [charge] = await chargesOf(t.api, rider.riderId);
    const dispute = (await t.api.call('POST', `/api/riders/${rider.riderId}/disputes`, { chargeId: charge.id, reason: 'not me' })).body;
    await t.api.call('POST', `/api/disputes/${dispute.id}/decision`, { decision: 'grant' });
    const arrears = await arrearsOf(t.api, rider.riderId);
    assert.deepEqual([arrears.state, arrears.outstandingMinor], ['settled', 0]);
    assert.equal(arrears.events[0].reason, 'REFUNDED');
    assert.equal((await riderView(t.api, rider.riderId)).balanceMinor, 0, 'the rider never paid it, so nothing comes back to the wallet');
    assert.equal((await riderView(t.api, rider.riderId)).status, 'active');
    assert.deepEqual((await t.api.call('GET', '/api/deny-list')).body.entries, []);
    assert.deepEqual(await checkLedger(t.db.knex), []);
  });

  it('when a family-paid charge is refunded, then the payer gets it back with a notice', async () => {
    const payer = await enrolRider(t.api);
    const member = await enrolRider(t.api, { payLaterLimitMinor: 0 });
    await topUp(t.api, payer.riderId, 1000, 'p');
    await t.api.call('PUT', `/api/riders/${member.riderId}/family-payer`, { payerRiderId: payer.riderId, monthlyLimitMinor: 500 });
    await rideBus(t, member);
    const [charge] = await chargesOf(t.api, member.riderId);
    const dispute = (await t.api.call('POST', `/api/riders/${member.riderId}/disputes`, { chargeId: charge.id, reason: 'x' })).body;
    await t.api.call('POST', `/api/disputes/${dispute.id}/decision`, { decision: 'grant' });
    assert.equal((await riderView(t.api, payer.riderId)).balanceMinor, 1000);
    const notices = (await t.api.call('GET', `/api/riders/${payer.riderId}/notices`)).body.notices;
    assert.deepEqual(notices.map((n: { kind: string; amountMinor: number }) => [n.kind, n.amountMinor]), [['refund', -BUS_FARE], ['charge_paid', BUS_FARE]]);
  });
});
