import assert from 'node:assert/strict';
import { arrearsOf, BUS_FARE, rideBus, riderView } from '../moneySupport.js';
import { startTestGateway, type TestGateway } from '../support.js';
import { riderWithPages, textOf } from './pageBrowser.js';

const GRACE_S = 3600;

describe('rider pages: balance, arrears and top-up', () => {
  let t: TestGateway;
  beforeEach(async () => (t = await startTestGateway({ config: { arrearsGraceS: GRACE_S } })));
  afterEach(async () => t.close());

  const deniedTokens = async () => (await t.api.call('GET', '/api/deny-list')).body.entries.map((entry: { tokenId: string }) => entry.tokenId);

  it('when a rider is deny-listed for arrears, then /me/money says what is owed and how much to top up, and a top-up through the form repays it and lifts the denial', async () => {
    const rider = await riderWithPages(t, { name: 'Ada', payLaterLimitMinor: 0 });
    await rideBus(t, rider);
    t.clock.advance(GRACE_S * 1000);
    await t.gateway.arrears.sweepOnce();
    assert.deepEqual(await deniedTokens(), [rider.tokenId]);

    const owed = await rider.pages.get('/me/money');
    const text = textOf(owed.text);
    assert.match(text, /You owe €1\.50 ?\. The grace period has ended: gates and toll lanes refuse your codes and vehicles until you repay\./);
    assert.match(text, /How to repay: top up at least €1\.50 below/);
    assert.match(owed.text, /name="amount" inputmode="decimal" required value="1\.50"/, 'the form suggests what repays the debt');
    assert.match(text, /€1\.50 €0\.00 €1\.50 deny listed/);
    assert.match(textOf((await rider.pages.get('/me')).text), /Gates and toll lanes refuse your codes and vehicles until you repay the €1\.50 you owe\./);

    const reference = /name="reference" value="([^"]+)"/.exec(owed.text)![1];
    const done = await rider.pages.post('/me/money/topup', { amount: '5,00', reference });
    assert.equal(done.status, 303);
    assert.equal(done.location, '/me/money?done=topup#top-up');
    const arrears = await arrearsOf(t.api, rider.riderId);
    assert.deepEqual([arrears.state, arrears.outstandingMinor], ['settled', 0]);
    assert.deepEqual(await deniedTokens(), [], 'released the moment the debt is repaid');
    assert.equal((await riderView(t.api, rider.riderId)).balanceMinor, 500 - BUS_FARE);
    const after = textOf((await rider.pages.get('/me/money?done=topup')).text);
    assert.match(after, /Topped up\. Anything you owed was repaid from it at once\./);
    assert.match(after, /Balance €3\.50/);
    assert.match(after, /You owe nothing: everything advanced for you has been repaid\./);

    // The same form sent again (a double click, a reload) is the same top-up.
    const again = await rider.pages.post('/me/money/topup', { amount: '5,00', reference });
    assert.equal(again.location, '/me/money?done=topup-repeated#top-up');
    assert.equal((await riderView(t.api, rider.riderId)).balanceMinor, 500 - BUS_FARE);
    // Sent back and sent again with another amount: refused, and the page offers a fresh form.
    const changed = await rider.pages.post('/me/money/topup', { amount: '7', reference });
    assert.equal(changed.status, 409);
    assert.match(textOf(changed.text), /This form was already used for a top-up of another amount: nothing more was taken\./);
    assert.doesNotMatch(changed.text, new RegExp(`name="reference" value="${reference}"`));
    assert.equal((await riderView(t.api, rider.riderId)).balanceMinor, 500 - BUS_FARE);
  });

  it('when the amount is not an amount, is zero or has too many decimals, then the page says so with 400 and keeps what was typed, and nothing is topped up', async () => {
    const rider = await riderWithPages(t, { name: 'Ada' });
    const page = await rider.pages.get('/me/money');
    const reference = /name="reference" value="([^"]+)"/.exec(page.text)![1];
    for (const [amount, message] of [
      ['ten', /Amount: write an amount such as 12\.50\./],
      ['0', /Amount: must be more than zero\./],
      ['1.234', /Amount: write an amount such as 12\.50\./],
      ['', /Amount: this field is required\./],
      ['99999999', /Amount: at most 1,000,000 at a time\./],
    ] as const) {
      const refused = await rider.pages.post('/me/money/topup', { amount, reference });
      assert.equal(refused.status, 400, amount);
      assert.match(textOf(refused.text), message, amount);
      assert.match(refused.text, new RegExp(`name="amount" inputmode="decimal" required value="${amount}"`));
      assert.match(refused.text, new RegExp(`name="reference" value="${reference}"`), 'the same reference, so a corrected form is still one top-up');
    }
    assert.equal((await riderView(t.api, rider.riderId)).balanceMinor, 0);
  });

  it('when the form comes without the session\'s CSRF token, then it is refused and nothing is topped up', async () => {
    const rider = await riderWithPages(t, { name: 'Ada' });
    await rider.pages.get('/me/money');
    for (const csrf of [null, 'forged-token']) {
      const refused = await rider.pages.post('/me/money/topup', { amount: '10', reference: 'r1' }, { csrf });
      assert.equal(refused.status, 403);
      assert.equal(JSON.parse(refused.text).error.code, 'CSRF_REJECTED');
    }
    assert.equal((await riderView(t.api, rider.riderId)).balanceMinor, 0);
  });

  it('when a rider has a pay-later line, then the page shows how much of it is used and what is left for travel', async () => {
    const rider = await riderWithPages(t, { name: 'Ada', topUpMinor: 100 });
    await rideBus(t, rider);
    const text = textOf((await rider.pages.get('/me/money')).text);
    assert.match(text, /Balance -€0\.50/);
    assert.match(text, /Pay-later line €20\.00, of which €0\.50 used/);
    assert.match(text, /Available for travel €19\.50/);
    assert.match(text, /You owe nothing\./);
  });
});
