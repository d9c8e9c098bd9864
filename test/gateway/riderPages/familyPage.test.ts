import assert from 'node:assert/strict';
import { BUS_FARE, rideBus, riderView } from '../moneySupport.js';
import { startTestGateway, type TestGateway } from '../support.js';
import { riderWithPages, textOf } from './pageBrowser.js';

describe('rider pages: family payer', () => {
  let t: TestGateway;
  beforeEach(async () => (t = await startTestGateway()));
  afterEach(async () => t.close());

  it('when a member names their payer by rider number, then the payer pays for the journey, both pages show the link, and the payer sees the notice of the charge', async () => {
    const grace = await riderWithPages(t, { name: 'Grace Hopper', topUpMinor: 1000 });
    const ada = await riderWithPages(t, { name: 'Ada', payLaterLimitMinor: 0 });
    const gracePage = await grace.pages.get('/me/family');
    assert.match(gracePage.text, new RegExp(`<code id="own-rider-number">${grace.riderId}</code>`));
    assert.match(textOf(gracePage.text), /You pay for nobody\./);

    await ada.pages.get('/me/family');
    const linked = await ada.pages.post('/me/family/payer', { payerRiderId: grace.riderId, monthlyLimit: '4' });
    assert.deepEqual([linked.status, linked.location], [303, '/me/family?done=linked']);
    await rideBus(t, ada);
    assert.equal((await riderView(t.api, grace.riderId)).balanceMinor, 1000 - BUS_FARE);

    const member = textOf((await ada.pages.get('/me/family?done=linked')).text);
    assert.match(member, /Your family payer now pays for your journeys and tolls, up to the monthly limit\./);
    assert.match(member, /Paid by Grace Hopper Monthly limit €4\.00 Used in 2026-01 €1\.50/);
    const payer = textOf((await grace.pages.get('/me/family')).text);
    assert.match(payer, /Member Monthly limit Paid in 2026-01 Since Ada €4\.00 €1\.50 5 Jan 2026 Stop paying/);
    assert.match(payer, /Charges you paid for family members .*Ada .*€1\.50/);
    assert.match(textOf((await ada.pages.get('/me/receipts')).text), /your family payer/, "the member's receipt says who paid");
    assert.doesNotMatch(textOf((await ada.pages.get('/me/family')).text), /Charges you paid for family members When/, 'the member receives no payer notices');
  });

  it('when the payer stops paying, or the member removes the payer, then the link is gone from both pages', async () => {
    const grace = await riderWithPages(t, { name: 'Grace', topUpMinor: 1000 });
    const ada = await riderWithPages(t, { name: 'Ada' });
    const bob = await riderWithPages(t, { name: 'Bob' });
    await ada.pages.get('/me/family');
    await ada.pages.post('/me/family/payer', { payerRiderId: grace.riderId, monthlyLimit: '10' });
    await bob.pages.get('/me/family');
    await bob.pages.post('/me/family/payer', { payerRiderId: grace.riderId, monthlyLimit: '10' });

    await grace.pages.get('/me/family');
    const stopped = await grace.pages.post(`/me/family/members/${ada.riderId}/remove`, {});
    assert.deepEqual([stopped.status, stopped.location], [303, '/me/family?done=stopped']);
    assert.match(textOf((await ada.pages.get('/me/family')).text), /Nobody pays for you/);
    assert.match(textOf((await grace.pages.get('/me/family')).text), /Since Bob €10\.00/);

    const removed = await bob.pages.post('/me/family/payer/remove', {});
    assert.equal(removed.location, '/me/family?done=unlinked');
    assert.match(textOf((await grace.pages.get('/me/family')).text), /You pay for nobody\./);
    const again = await bob.pages.post('/me/family/payer/remove', {});
    assert.equal(again.status, 404);
    assert.match(textOf(again.text), /Nobody pays for you: there is no payer to remove\./);
  });

  it("when a rider tries to stop another payer's link, to be their own payer, or names an unknown rider, then the page says why and nothing changes", async () => {
    const grace = await riderWithPages(t, { name: 'Grace', topUpMinor: 1000 });
    const ada = await riderWithPages(t, { name: 'Ada' });
    const mallory = await riderWithPages(t, { name: 'Mallory' });
    await ada.pages.get('/me/family');
    await ada.pages.post('/me/family/payer', { payerRiderId: grace.riderId, monthlyLimit: '10' });

    await mallory.pages.get('/me/family');
    const notTheirs = await mallory.pages.post(`/me/family/members/${ada.riderId}/remove`, {});
    assert.equal(notTheirs.status, 404);
    assert.match(textOf(notTheirs.text), /You do not pay for that rider\./);
    assert.match(textOf((await ada.pages.get('/me/family')).text), /Paid by Grace/, 'the link is untouched');

    const self = await mallory.pages.post('/me/family/payer', { payerRiderId: mallory.riderId, monthlyLimit: '10' });
    assert.equal(self.status, 422);
    assert.match(textOf(self.text), /a rider cannot be their own family payer/);
    const unknown = await mallory.pages.post('/me/family/payer', { payerRiderId: 'no-such-rider', monthlyLimit: '10' });
    assert.equal(unknown.status, 404);
    assert.match(textOf(unknown.text), /No rider has the number no-such-rider: ask your payer for the number on their Family page\./);
    assert.match(unknown.text, /name="payerRiderId" required value="no-such-rider"/);
    const noLimit = await mallory.pages.post('/me/family/payer', { payerRiderId: grace.riderId, monthlyLimit: 'lots' });
    assert.equal(noLimit.status, 400);
    assert.match(textOf(noLimit.text), /Most they pay a month: write an amount such as 12\.50\./);
    await grace.pages.get('/me/family');
    const chain = await grace.pages.post('/me/family/payer', { payerRiderId: mallory.riderId, monthlyLimit: '10' });
    assert.equal(chain.status, 422, 'a payer cannot have a payer of their own');
    assert.match(textOf(chain.text), /pays for others and cannot have a family payer/);
  });
});
