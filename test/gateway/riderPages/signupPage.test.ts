import assert from 'node:assert/strict';
import { listAudit } from '../../../gateway/access/audit.js';
import { eventually } from '../../support/testNetwork.js';
import { startTestGateway, type TestGateway } from '../support.js';
import { PageBrowser, textOf } from './pageBrowser.js';

const PASSWORD = 'correct horse battery';

describe('rider pages: sign-up', () => {
  let t: TestGateway;
  beforeEach(async () => (t = await startTestGateway()));
  afterEach(async () => t.close());

  it('when someone signs up with a name, e-mail and password, then they are signed in to their own pages and can log in again later', async () => {
    const browser = new PageBrowser(t.gateway.url, undefined);
    const form = await browser.get('/me/signup');
    assert.equal(form.status, 200);
    assert.match(form.text, /<form method="post" action="\/me\/signup">/);
    const done = await browser.post('/me/signup', { name: 'Ada Lovelace', email: 'Ada@Example.org', password: PASSWORD });
    assert.deepEqual([done.status, done.location], [303, '/me']);
    const me = await browser.get('/me');
    assert.equal(me.status, 200);
    assert.match(textOf(me.text), /Ada Lovelace Log out/);
    const riderId = /data-rider-id="([^"]+)"/.exec(me.text)![1];
    assert.equal((await t.api.call('GET', `/api/riders/${riderId}`)).body.name, 'Ada Lovelace');
    assert.equal((await browser.get('/me/signup')).location, '/me', 'a signed-in rider is sent to their pages');

    const later = new PageBrowser(t.gateway.url, undefined);
    const login = await later.post('/me/login', { name: 'ada@example.org', password: PASSWORD, next: '/me/journeys' });
    assert.deepEqual([login.status, login.location], [303, '/me/journeys']);
    assert.equal((await later.get('/me/journeys')).status, 200);

    // The audit row is written as the answer goes out.
    const audited = await eventually(async () => (await listAudit(t.db.knex, { limit: 50 })).find((row) => row.target === '/me/signup'), 2000, 'the sign-up in the audit log');
    assert.doesNotMatch(JSON.stringify(audited), new RegExp(PASSWORD), 'without the password');
  });

  it('when the form is incomplete, the password short, the address taken or the form sent from another site, then the page says why and keeps what was typed', async () => {
    const browser = new PageBrowser(t.gateway.url, undefined);
    await browser.post('/me/signup', { name: 'Ada', email: 'ada@example.org', password: PASSWORD });
    const fresh = new PageBrowser(t.gateway.url, undefined);
    const cases: Array<[Record<string, string>, number, RegExp]> = [
      [{ name: 'Bob', email: 'bob@example.org', password: 'short' }, 400, /Password: at least 12 characters\./],
      [{ name: '', email: 'bob@example.org', password: PASSWORD }, 400, /Name: this field is required\./],
      [{ name: 'Bob', email: 'not an address', password: PASSWORD }, 400, /E-mail address: write it as name@example\.com\./],
      [{ name: 'Bob', email: 'ADA@example.org', password: PASSWORD }, 409, /ADA@example\.org already has an account: log in instead/],
    ];
    for (const [fields, status, message] of cases) {
      const refused = await fresh.post('/me/signup', fields);
      assert.equal(refused.status, status, JSON.stringify(fields));
      assert.match(textOf(refused.text), message);
      assert.match(refused.text, new RegExp(`name="email" type="email" autocomplete="email" required value="${fields.email}"`));
      assert.doesNotMatch(refused.text, new RegExp(PASSWORD), 'the password is never sent back');
    }
    // Browsers say where a form comes from in Sec-Fetch-Site, else in Origin.
    for (const headers of [{ 'sec-fetch-site': 'cross-site' }, { origin: 'https://attacker.example' }, { origin: 'null' }] as Array<Record<string, string>>) {
      const forged = await fresh.post('/me/signup', { name: 'Eve', email: 'eve@example.org', password: PASSWORD }, { headers });
      assert.equal(forged.status, 403, JSON.stringify(headers));
      assert.match(textOf(forged.text), /This form was sent from another site\./);
    }
    assert.equal(await t.db.knex('riders').where({ name: 'Eve' }).first(), undefined);
  });

  it('when a rider logs in, then the login page offers sign-up to newcomers', async () => {
    const page = await new PageBrowser(t.gateway.url, undefined).get('/me/login');
    assert.match(page.text, /<a href="\/me\/signup">Create an account<\/a>/);
  });
});
