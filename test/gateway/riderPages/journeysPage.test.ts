import assert from 'node:assert/strict';
import { staffSession } from '../../support/access.js';
import { BUS_FARE, METRO_FARES, rideBus, rideMetro } from '../moneySupport.js';
import { startTestGateway, T0, type TestGateway } from '../support.js';
import { etcToll, MIN, registerDriver, sendTolls, tollPassage } from '../tolls/tollSupport.js';
import { PageBrowser, riderWithPages, textOf } from './pageBrowser.js';

const euros = (minor: number) => `€${(minor / 100).toFixed(2)}`;

describe('rider pages: ride code, journeys and tolls', () => {
  let t: TestGateway;
  beforeEach(async () => (t = await startTestGateway()));
  afterEach(async () => t.close());

  it('when a rider opens /me/journeys, then each of their journeys shows its route, fare and how it was priced, and no other rider\'s journey appears', async () => {
    const ada = await riderWithPages(t, { name: 'Ada Lovelace', topUpMinor: 5000 });
    const bob = await riderWithPages(t, { name: 'Bob Babbage', topUpMinor: 5000 });
    await rideMetro(t, ada, 'M1-01', 'M1-03');
    await rideBus(t, ada);
    await rideMetro(t, bob, 'M1-02', 'M1-06');
    const adaJourneys = (await t.api.call('GET', `/api/riders/${ada.riderId}/journeys`)).body.journeys;
    const bobJourneys = (await t.api.call('GET', `/api/riders/${bob.riderId}/journeys`)).body.journeys;
    assert.equal(adaJourneys.length, 2);

    const page = await ada.pages.get('/me/journeys');
    assert.equal(page.status, 200);
    const text = textOf(page.text);
    for (const journey of adaJourneys) assert.match(page.text, new RegExp(`data-journey-id="${journey.id}"`));
    assert.match(text, new RegExp(`Harbour → Cathedral .*? ${euros(METRO_FARES['M1-01']['M1-03']).replace('.', '\\.')}`));
    assert.match(text, /Harbour to Cathedral: station matrix/, 'the base line of the breakdown');
    assert.match(text, /City Metro tariff version 1, adult fare/);
    assert.match(text, new RegExp(`Bus 42 #1 .*? ${euros(BUS_FARE).replace('.', '\\.')} City Buses · bus · boarded`));
    assert.match(text, /flat fare/);
    assert.match(text, /Ada Lovelace/, 'the signed-in rider is named in the bar');
    for (const journey of bobJourneys) assert.doesNotMatch(page.text, new RegExp(journey.id));
    assert.doesNotMatch(text, /Bob Babbage|Old Town → Central Park/);
  });

  it('when a driver opens /me/journeys, then a toll trip shows its class, how it was read, its gantries and the ETC discount, and their vehicle is listed', async () => {
    const driver = await registerDriver(t.api, { payLaterLimitMinor: 10_000, name: 'Dana Driver' });
    await sendTolls(t.api, [tollPassage(driver, 'TW', 'entry', T0), tollPassage(driver, 'TG01', 'pass', T0 + 3 * MIN), tollPassage(driver, 'TG03', 'pass', T0 + 9 * MIN), tollPassage(driver, 'TE', 'exit', T0 + 30 * MIN)]);
    const pages = await PageBrowser.asRider(t, driver);
    const text = textOf((await pages.get('/me/journeys')).text);
    assert.match(text, new RegExp(`Toll trips .*West Plaza → East Plaza .*? ${euros(etcToll(52)).replace('.', '\\.')}`));
    assert.match(text, /Vehicle class 1 · closed road, plaza to plaza · read by your tag \(ETC\)/);
    assert.match(text, /West Plaza to East Plaza: toll matrix, vehicle class 1/);
    assert.match(text, /ETC discount 10 %/);
    assert.match(text, /Gantry 2 \(km 9\) \S+ inferred from the gantries around it/, 'a gantry between two read ones is on the path, inferred');
    assert.match(text, new RegExp(`Your vehicles Plate Colour Class Tag Registered ${driver.plate} blue 1 ${driver.tagId}`));
  });

  it('when a plate-only trip had lane exceptions, then each exception is listed with the rule that priced it', async () => {
    const driver = await registerDriver(t.api, { payLaterLimitMinor: 10_000 });
    await sendTolls(t.api, [tollPassage(driver, 'TE', 'entry', T0, { plateOnly: true, tokenId: null }), tollPassage(driver, 'TW', 'exit', T0 + 30 * MIN, { plateOnly: true, tokenId: null })]);
    const text = textOf((await (await PageBrowser.asRider(t, driver)).get('/me/journeys')).text);
    assert.match(text, /by plate camera only \(video toll\)/);
    assert.match(text, /PLATE_ONLY : \S/);
  });

  it('when a month is chosen, then only journeys begun in that month are shown, and a malformed month is refused with a clear message', async () => {
    const ada = await riderWithPages(t, { name: 'Ada', topUpMinor: 5000 });
    await rideMetro(t, ada, 'M1-01', 'M1-02');
    t.clock.set(Date.UTC(2026, 1, 3, 9));
    await rideMetro(t, ada, 'M1-04', 'M1-05');
    const january = textOf((await ada.pages.get('/me/journeys?month=2026-01')).text);
    assert.match(january, /Harbour → Old Town/);
    assert.doesNotMatch(january, /Market Square → University/);
    const february = textOf((await ada.pages.get('/me/journeys?month=2026-02')).text);
    assert.match(february, /Market Square → University/);
    const bad = await ada.pages.get('/me/journeys?month=2026-13');
    assert.equal(bad.status, 400);
    assert.match(textOf(bad.text), /Month: choose a month such as 2026-01\./);
  });

  it('when a rider opens /me, then the page carries what its script needs to make codes for this rider only, and warns when gates would refuse them', async () => {
    const ada = await riderWithPages(t, { name: 'Ada', topUpMinor: 5000 });
    const page = await ada.pages.get('/me');
    assert.equal(page.status, 200);
    assert.match(page.text, new RegExp(`data-rider-id="${ada.riderId}"`));
    assert.match(page.text, /data-csrf-token="[A-Za-z0-9_-]{20,}"/);
    assert.match(page.text, /data-refresh-s="20"/);
    assert.match(page.text, /data-offline-limit-minor="3000"/, 'the credential a phone gets now: funds capped at maxOfflineLimitMinor');
    assert.match(page.text, /<script type="module" src="\/rideCode.js"><\/script>/);
    assert.doesNotMatch(page.text, /role="alert"/);
    assert.match(textOf(page.text), /Balance €50\.00/);

    const broke = await riderWithPages(t, { name: 'Broke', payLaterLimitMinor: 0 });
    await rideBus(t, broke);
    const warned = textOf((await broke.pages.get('/me')).text);
    assert.match(warned, /Your balance and pay-later line are used up, so gates will refuse your code\./);
    assert.match(warned, /Owed €1\.50/);
  });

  it('when the page script is served, then it is a module from this origin, as the Content-Security-Policy requires', async () => {
    for (const file of ['/rideCode.js', '/rideCodeFormat.js', '/phoneStore.js']) {
      const response = await fetch(t.gateway.url + file);
      assert.equal(response.status, 200, file);
      assert.match(response.headers.get('content-type') ?? '', /javascript/, file);
    }
    const csp = (await fetch(`${t.gateway.url}/me/login`)).headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'/);
  });

  it('when nobody is signed in, then every /me page sends the browser to the rider login; staff are refused', async () => {
    const anonymous = new PageBrowser(t.gateway.url, undefined);
    for (const path of ['/me', '/me/journeys', '/me/money', '/me/receipts', '/me/family']) {
      const answer = await anonymous.get(path);
      assert.equal(answer.status, 303, path);
      assert.equal(answer.location, `/me/login?next=${encodeURIComponent(path)}`);
    }
    const staff = await staffSession(t.db.knex, { role: 'admin', operatorId: null, now: T0 });
    const asStaff = new PageBrowser(t.gateway.url, `turnpike_session=${staff.token}`);
    const refused = await asStaff.get('/me/journeys');
    assert.equal(refused.status, 403);
    assert.equal(JSON.parse(refused.text).error.code, 'FORBIDDEN');
    const posted = await asStaff.post('/me/money/topup', { amount: '5', reference: 'x' });
    assert.equal(posted.status, 403);
  });
});
