import assert from 'node:assert/strict';
import { chargesOf, HOUR, METRO_FARES, rideBus, rideMetro } from '../moneySupport.js';
import { startTestGateway, type TestGateway } from '../support.js';
import { riderWithPages, textOf } from './pageBrowser.js';

describe('rider pages: receipts and e-invoices', () => {
  let t: TestGateway;
  beforeEach(async () => (t = await startTestGateway()));
  afterEach(async () => t.close());

  it('when a rider opens /me/receipts, then every charge of theirs has its receipt with operator, amount, VAT and who paid, and another rider\'s never appears', async () => {
    const ada = await riderWithPages(t, { name: 'Ada', topUpMinor: 5000 });
    const bob = await riderWithPages(t, { name: 'Bob', topUpMinor: 5000 });
    await rideMetro(t, ada, 'M1-01', 'M1-03');
    await rideBus(t, ada);
    await rideMetro(t, bob, 'M1-02', 'M1-04');
    const page = await ada.pages.get('/me/receipts');
    assert.equal(page.status, 200);
    const text = textOf(page.text);
    const [bus, metro] = await chargesOf(t.api, ada.riderId);
    assert.match(text, new RegExp(`RC-${bus.id} 5 Jan 2026, 09:30 City Buses Bus 42 #1 €1\\.50 €0\\.14 \\(10 %\\) your balance —`));
    assert.match(text, new RegExp(`RC-${metro.id} 5 Jan 2026, 09:00 City Metro Harbour → Cathedral €2\\.60 €0\\.24 \\(10 %\\) your balance —`));
    const [bobCharge] = await chargesOf(t.api, bob.riderId);
    assert.doesNotMatch(page.text, new RegExp(bobCharge.id));
    assert.doesNotMatch(text, /Old Town → Market Square/);
  });

  it('when a rider invoices a day through the form, then the invoice is listed with links that open for them only, and the day cannot be invoiced twice', async () => {
    const ada = await riderWithPages(t, { name: 'Ada', topUpMinor: 5000 });
    const bob = await riderWithPages(t, { name: 'Bob', topUpMinor: 5000 });
    await rideMetro(t, ada, 'M1-01', 'M1-03');
    await rideMetro(t, ada, 'M1-01', 'M1-05');
    const page = await ada.pages.get('/me/receipts');
    assert.match(page.text, /name="day" required value="2026-01-05"/, 'the day of the latest charge is offered');
    const done = await ada.pages.post('/me/receipts/invoices', { scope: 'day', day: '2026-01-05' });
    assert.deepEqual([done.status, done.location], [303, '/me/receipts?done=invoiced#invoices']);
    const listed = await ada.pages.get('/me/receipts?done=invoiced');
    const invoiceId = /data-invoice-id="([^"]+)"/.exec(listed.text)![1];
    const total = METRO_FARES['M1-01']['M1-03'] + METRO_FARES['M1-01']['M1-05'];
    assert.match(textOf(listed.text), new RegExp(`Invoice issued.*MET-000001 5 Jan 2026, \\S+ 2026-01-05 City Metro €${(total / 100).toFixed(2).replace('.', '\\.')} €0\\.55 printable · JSON`));
    assert.match(textOf(listed.text), /RC-\S+ .* MET-000001/, 'each receipt names its invoice');

    const printable = await ada.pages.get(`/api/invoices/${invoiceId}/html`);
    assert.equal(printable.status, 200);
    assert.match(printable.text, /Invoice MET-000001/);
    assert.match(printable.text, /<link rel="stylesheet" href="\/invoice.css">/, 'styled by a file, as the Content-Security-Policy allows');
    assert.equal((await bob.pages.get(`/api/invoices/${invoiceId}/html`)).status, 403);
    assert.equal((await bob.pages.get(`/api/invoices/${invoiceId}`)).status, 403);

    const twice = await ada.pages.post('/me/receipts/invoices', { scope: 'day', day: '2026-01-05' });
    assert.equal(twice.status, 409);
    assert.match(textOf(twice.text), /charge \S+ is already on invoice MET-000001/);
  });

  it('when a rider ticks charges, then one invoice per operator lists exactly those; ticking none, or a month with no charges, is refused with a clear message', async () => {
    const ada = await riderWithPages(t, { name: 'Ada', topUpMinor: 5000 });
    await rideMetro(t, ada, 'M1-01', 'M1-03');
    await rideBus(t, ada);
    t.clock.advance(24 * HOUR);
    await rideMetro(t, ada, 'M1-02', 'M1-03');
    const charges = await chargesOf(t.api, ada.riderId);
    await ada.pages.get('/me/receipts');
    const chosen = [charges[1].id, charges[2].id];
    const done = await ada.pages.post('/me/receipts/invoices', { scope: 'charges', chargeId: chosen });
    assert.equal(done.status, 303);
    const invoices = (await t.api.call('GET', `/api/riders/${ada.riderId}/invoices`)).body.invoices;
    assert.deepEqual(invoices.map((invoice: { number: string; scope: string }) => [invoice.number, invoice.scope]).sort(), [['BUS-000001', 'charges'], ['MET-000001', 'charges']]);
    const metro = (await t.api.call('GET', `/api/invoices/MET-000001`)).body;
    assert.deepEqual(metro.lines.map((line: { chargeId: string }) => line.chargeId), [charges[2].id]);
    assert.match((await ada.pages.get('/me/receipts')).text, new RegExp(`name="chargeId" value="${charges[2].id}" aria-label="[^"]+" disabled`), 'an invoiced charge cannot be ticked again');

    const none = await ada.pages.post('/me/receipts/invoices', { scope: 'charges' });
    assert.equal(none.status, 400);
    assert.match(textOf(none.text), /Tick at least one charge to put on the invoice\./);
    const empty = await ada.pages.post('/me/receipts/invoices', { scope: 'month', month: '2025-12' });
    assert.equal(empty.status, 422);
    assert.match(textOf(empty.text), /You have no charges in 2025-12\./);
    assert.match(empty.text, /name="month" required value="2025-12"/, 'the month typed is kept');
    const bad = await ada.pages.post('/me/receipts/invoices', { scope: 'month', month: 'December' });
    assert.equal(bad.status, 400);
    assert.match(textOf(bad.text), /Month: choose a month\./);
    const unknown = await ada.pages.post('/me/receipts/invoices', { scope: 'year' });
    assert.equal(unknown.status, 400);
    assert.match(textOf(unknown.text), /The form is incomplete: reload the page\./);
  });

  it("when a rider ticks another rider's charge, then it is refused as not found and nothing is invoiced", async () => {
    const ada = await riderWithPages(t, { name: 'Ada', topUpMinor: 5000 });
    const bob = await riderWithPages(t, { name: 'Bob', topUpMinor: 5000 });
    await rideMetro(t, bob, 'M1-01', 'M1-03');
    const [bobCharge] = await chargesOf(t.api, bob.riderId);
    await ada.pages.get('/me/receipts');
    const refused = await ada.pages.post('/me/receipts/invoices', { scope: 'charges', chargeId: bobCharge.id });
    assert.equal(refused.status, 404);
    assert.equal((await t.api.call('GET', `/api/riders/${bob.riderId}/invoices`)).body.invoices.length, 0);
  });
});
