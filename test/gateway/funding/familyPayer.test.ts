import assert from 'node:assert/strict';
import { accountBalance } from '../../../gateway/ledger/accounts.js';
import { enrolRider, startTestGateway, type TestGateway } from '../support.js';
import { BUS_FARE, chargesOf, rideBus, riderView, topUp } from '../moneySupport.js';

describe('funding: family payer', () => {
  let t: TestGateway;
  beforeEach(async () => (t = await startTestGateway()));
  afterEach(async () => t.close());

  it('when a member with a family payer travels, then the payer pays, the posting names them, and the payer gets a notice', async () => {
    const payer = await enrolRider(t.api, { name: 'Grace' });
    const member = await enrolRider(t.api, { name: 'Ada', payLaterLimitMinor: 0 });
    await topUp(t.api, payer.riderId, 1000, 'p-1');
    const link = await t.api.call('PUT', `/api/riders/${member.riderId}/family-payer`, { payerRiderId: payer.riderId, monthlyLimitMinor: 400 });
    assert.equal(link.status, 200);
    assert.equal((await t.api.call('POST', `/api/riders/${member.riderId}/phones/${member.phoneId}/credential`)).body.offlineLimitMinor, 400, 'the family allowance is spendable offline');
    await rideBus(t, member);
    assert.equal((await riderView(t.api, payer.riderId)).balanceMinor, 1000 - BUS_FARE);
    assert.equal((await riderView(t.api, member.riderId)).balanceMinor, 0);
    const [charge] = await chargesOf(t.api, member.riderId);
    assert.match(charge.description, new RegExp(`paid by family payer ${payer.riderId} ${BUS_FARE}`));
    const receipt = (await t.api.call('GET', `/api/receipts/${charge.id}`)).body;
    assert.deepEqual(receipt.paidBy.map((part: { ownerId: string; amountMinor: number }) => [part.ownerId, part.amountMinor]), [[payer.riderId, BUS_FARE]]);
    const notices = (await t.api.call('GET', `/api/riders/${payer.riderId}/notices`)).body.notices;
    assert.equal(notices.length, 1);
    assert.deepEqual([notices[0].kind, notices[0].memberRiderId, notices[0].amountMinor, notices[0].postingId], ['charge_paid', member.riderId, BUS_FARE, charge.id]);
    assert.deepEqual((await t.api.call('GET', `/api/riders/${member.riderId}/notices`)).body.notices, [], 'the member receives no payer notices');
  });

  it('when the monthly limit is reached, then the member pays the rest from their own funds, and a new month starts afresh', async () => {
    const payer = await enrolRider(t.api, { name: 'Grace' });
    const member = await enrolRider(t.api, { name: 'Ada', payLaterLimitMinor: 0 });
    await topUp(t.api, payer.riderId, 5000, 'p-1');
    await topUp(t.api, member.riderId, 1000, 'm-1');
    await t.api.call('PUT', `/api/riders/${member.riderId}/family-payer`, { payerRiderId: payer.riderId, monthlyLimitMinor: 400 });
    for (let i = 0; i < 3; i += 1) await rideBus(t, member, i % 2 ? 'B42-1' : 'B42-3');
    assert.equal((await riderView(t.api, payer.riderId)).balanceMinor, 5000 - 400, 'the payer pays up to the limit');
    assert.equal((await riderView(t.api, member.riderId)).balanceMinor, 1000 - (3 * BUS_FARE - 400));
    const notices = (await t.api.call('GET', `/api/riders/${payer.riderId}/notices`)).body.notices;
    assert.deepEqual(notices.map((notice: { amountMinor: number }) => notice.amountMinor).sort(), [100, 150, 150]);
    t.clock.set(Date.UTC(2026, 1, 1, 8, 0, 0));
    await rideBus(t, member, 'B42-2');
    assert.equal((await riderView(t.api, payer.riderId)).balanceMinor, 5000 - 400 - BUS_FARE, 'February has its own limit');
  });

  it('when a payer is linked to themselves or into a chain, then the link is refused with FAMILY_LINK_INVALID', async () => {
    const a = await enrolRider(t.api);
    const b = await enrolRider(t.api);
    const c = await enrolRider(t.api);
    assert.equal((await t.api.call('PUT', `/api/riders/${a.riderId}/family-payer`, { payerRiderId: a.riderId, monthlyLimitMinor: 100 })).body.error.code, 'FAMILY_LINK_INVALID');
    assert.equal((await t.api.call('PUT', `/api/riders/${a.riderId}/family-payer`, { payerRiderId: b.riderId, monthlyLimitMinor: 100 })).status, 200);
    const chain = await t.api.call('PUT', `/api/riders/${b.riderId}/family-payer`, { payerRiderId: c.riderId, monthlyLimitMinor: 100 });
    assert.deepEqual([chain.status, chain.body.error.code], [422, 'FAMILY_LINK_INVALID']);
    assert.equal((await t.api.call('PUT', `/api/riders/${c.riderId}/family-payer`, { payerRiderId: a.riderId, monthlyLimitMinor: 100 })).status, 422);
    assert.equal((await t.api.call('DELETE', `/api/riders/${a.riderId}/family-payer`)).status, 204);
    assert.deepEqual((await t.api.call('GET', `/api/riders/${a.riderId}/family-payer`)).body, { familyPayer: null });
  });

  it('when the payer and the member together cannot cover a charge, then the payer pays what they hold, the member their line, and the rest is advanced', async () => {
    const payer = await enrolRider(t.api);
    const member = await enrolRider(t.api, { payLaterLimitMinor: 30 });
    await topUp(t.api, payer.riderId, 50, 'p-1');
    await t.api.call('PUT', `/api/riders/${member.riderId}/family-payer`, { payerRiderId: payer.riderId, monthlyLimitMinor: 400 });
    await rideBus(t, member);
    assert.equal((await riderView(t.api, payer.riderId)).balanceMinor, 0);
    assert.equal((await riderView(t.api, member.riderId)).balanceMinor, -30);
    assert.equal(await accountBalance(t.db.knex, `arrears_advance:${member.riderId}:EUR`), -(BUS_FARE - 80));
    assert.equal(await accountBalance(t.db.knex, 'operator_revenue:bus:EUR'), BUS_FARE);
  });
});
