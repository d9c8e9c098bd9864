import assert from 'node:assert/strict';
import { checkLedger } from '../../../gateway/ledger/consistencyChecks.js';
import { enrolRider, startTestGateway, T0, type TestGateway } from '../support.js';
import { BUS_FARE, chargesOf, HOUR, METRO_FARES, rideBus, rideMetro, topUp } from '../moneySupport.js';

describe('receipts and e-invoices', () => {
  let t: TestGateway;
  beforeEach(async () => (t = await startTestGateway()));
  afterEach(async () => t.close());

  it('when a journey is charged, then its receipt names the number, date, operator, journey, amount and VAT', async () => {
    const rider = await enrolRider(t.api);
    await topUp(t.api, rider.riderId, 1000, 'c1');
    await rideMetro(t, rider, 'M1-01', 'M1-03');
    const [charge] = await chargesOf(t.api, rider.riderId);
    const receipt = (await t.api.call('GET', `/api/receipts/${charge.id}`)).body;
    assert.equal(receipt.number, `RC-${charge.id}`);
    assert.equal(receipt.journeyId, charge.journeyId);
    assert.equal(receipt.amountMinor, METRO_FARES['M1-01']['M1-03']);
    assert.equal(receipt.taxMinor, 24, '260 at 10 % VAT included: 23.64 rounds to 24');
    assert.deepEqual([receipt.operator.operatorId, receipt.operator.legalName, receipt.operator.taxId, receipt.vatRateBp], ['metro', 'City Metro Transit Authority', 'EU123456789', 1000]);
    assert.equal(receipt.issuedAt, T0, 'the time the charge was posted');
    assert.equal(receipt.invoiceNumber, null);
    const listed = (await t.api.call('GET', `/api/riders/${rider.riderId}/receipts`)).body.receipts;
    assert.deepEqual(listed.map((one: { number: string }) => one.number), [receipt.number]);
    assert.equal((await t.api.call('GET', '/api/receipts/nope')).body.error.code, 'CHARGE_NOT_FOUND');
  });

  it('when a rider asks for a month, then each operator issues one invoice with its own sequential number, seller details and VAT, as JSON and HTML', async () => {
    const rider = await enrolRider(t.api, { name: 'Ada <Lovelace>' });
    await topUp(t.api, rider.riderId, 5000, 'c1');
    await rideMetro(t, rider, 'M1-01', 'M1-03');
    await rideBus(t, rider);
    t.clock.advance(24 * HOUR);
    await rideMetro(t, rider, 'M1-01', 'M1-05');
    const answer = await t.api.call('POST', `/api/riders/${rider.riderId}/invoices`, { month: '2026-01' });
    assert.equal(answer.status, 201);
    const [bus, metro] = answer.body.invoices;
    assert.deepEqual([bus.number, metro.number], ['BUS-000001', 'MET-000001']);
    const metroGross = METRO_FARES['M1-01']['M1-03'] + METRO_FARES['M1-01']['M1-05'];
    assert.deepEqual([metro.grossMinor, metro.taxMinor, metro.netMinor], [metroGross, 55, metroGross - 55], 'VAT on the invoice total: 600 / 11 = 54.5 rounds to 55');
    assert.equal(metro.lines.length, 2);
    assert.deepEqual([bus.grossMinor, bus.taxMinor], [BUS_FARE, 14]);
    assert.deepEqual(metro.seller, { name: 'City Metro', legalName: 'City Metro Transit Authority', address: 'Station Square 1, 10115 Harbour City', taxId: 'EU123456789' });
    assert.equal(metro.buyer.riderId, rider.riderId);
    const html = await t.api.call('GET', `/api/invoices/${metro.id}/html`);
    assert.match(html.headers.get('content-type') ?? '', /text\/html/);
    assert.match(html.body, /Invoice MET-000001/);
    assert.match(html.body, /EU123456789/);
    assert.match(html.body, /Ada &#60;Lovelace&#62;/, 'names are escaped');
    assert.deepEqual((await t.api.call('GET', `/api/invoices/${metro.number}`)).body.number, 'MET-000001');

    const other = await enrolRider(t.api);
    await topUp(t.api, other.riderId, 1000, 'c1');
    await rideMetro(t, other, 'M1-02', 'M1-03');
    const second = await t.api.call('POST', `/api/riders/${other.riderId}/invoices`, { day: new Date(t.clock.now()).toISOString().slice(0, 10) });
    assert.deepEqual(second.body.invoices.map((invoice: { number: string }) => invoice.number), ['MET-000002'], 'numbers run on per operator');
  });

  it('when a request covers a charge already invoiced, then it is refused with 409 naming the invoice, and nothing is issued', async () => {
    const rider = await enrolRider(t.api);
    await topUp(t.api, rider.riderId, 5000, 'c1');
    await rideBus(t, rider, 'B42-1');
    await rideBus(t, rider, 'B42-2');
    const charges = await chargesOf(t.api, rider.riderId);
    const first = await t.api.call('POST', `/api/riders/${rider.riderId}/invoices`, { chargeIds: [charges[0].id] });
    assert.equal(first.status, 201);
    const again = await t.api.call('POST', `/api/riders/${rider.riderId}/invoices`, { day: '2026-01-05' });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'CHARGE_ALREADY_INVOICED');
    assert.match(again.body.error.message, /BUS-000001/);
    assert.deepEqual(again.body.error.details, { chargeId: charges[0].id, invoiceNumber: 'BUS-000001', invoiceId: first.body.invoices[0].id });
    const rest = await t.api.call('POST', `/api/riders/${rider.riderId}/invoices`, { chargeIds: [charges[1].id] });
    assert.equal(rest.body.invoices[0].number, 'BUS-000002');
    assert.equal((await t.api.call('GET', `/api/receipts/${charges[0].id}`)).body.invoiceNumber, 'BUS-000001');
    assert.equal((await t.api.call('POST', `/api/riders/${rider.riderId}/invoices`, { month: '2025-12' })).body.error.code, 'NOTHING_TO_INVOICE');
    assert.equal((await t.api.call('POST', `/api/riders/${rider.riderId}/invoices`, { chargeIds: ['someone-else'] })).body.error.code, 'CHARGE_NOT_FOUND');
    assert.equal((await t.api.call('GET', `/api/riders/${rider.riderId}/invoices`)).body.invoices.length, 2);
    assert.deepEqual(await checkLedger(t.db.knex), []);
  });
});
