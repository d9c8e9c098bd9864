import assert from 'node:assert/strict';
import { listAudit } from '../../gateway/access/audit.js';
import { riderSession, staffSession } from '../support/access.js';
import { eventually } from '../support/testNetwork.js';
import { enrolRider, startTestGateway, T0, type ApiClient, type TestGateway } from '../gateway/support.js';

/** The access rules (gateway/access/policy.ts, docs/operations.md "Access control") over real HTTP. */
describe('access control', () => {
  let t: TestGateway;
  let anonymous: ApiClient;
  const as = async (role: 'viewer' | 'supervisor' | 'admin', operatorId: string | null) => t.api.as((await staffSession(t.db.knex, { role, operatorId, now: T0 })).token);

  before(async () => {
    t = await startTestGateway({ config: { loginMaxFailures: 3, loginWindowS: 600 } });
    anonymous = t.api.as(undefined);
  });
  after(async () => t.close());

  const status = async (answer: Promise<{ status: number; body: any }>) => {
    const { status, body } = await answer;
    return [status, body?.error?.code ?? 'ok'];
  };

  it('when nobody is signed in, then the API answers UNAUTHENTICATED and a console page sends the browser to log in', async () => {
    assert.deepEqual(await status(anonymous.call('GET', '/api/operators/metro/journeys')), [401, 'UNAUTHENTICATED']);
    assert.deepEqual(await status(anonymous.call('GET', '/api/deny-list')), [401, 'UNAUTHENTICATED']);
    const page = await fetch(`${t.gateway.url}/console/reports?x=1`, { redirect: 'manual' });
    assert.equal(page.status, 303);
    assert.equal(page.headers.get('location'), '/login?next=%2Fconsole%2Freports%3Fx%3D1');
    // What is public stays public: sign-up, the published network and fares, health.
    assert.deepEqual(await status(anonymous.call('GET', '/api/network')), [200, 'ok']);
    assert.deepEqual(await status(anonymous.call('GET', '/api/health')), [200, 'ok']);
  });

  it('when a viewer or a supervisor changes a tariff, then FORBIDDEN; an admin of that operator may', async () => {
    const tariff = { effectiveFrom: T0 + 86_400_000, data: { fare: { kind: 'flat', fareMinor: 170 } } };
    assert.deepEqual(await status((await as('viewer', 'bus')).call('POST', '/api/operators/bus/tariffs', tariff)), [403, 'FORBIDDEN']);
    assert.deepEqual(await status((await as('supervisor', 'bus')).call('POST', '/api/operators/bus/tariffs', tariff)), [403, 'FORBIDDEN']);
    assert.deepEqual(await status((await as('admin', 'metro')).call('POST', '/api/operators/bus/tariffs', tariff)), [403, 'FORBIDDEN']);
    assert.deepEqual(await status((await as('admin', 'bus')).call('POST', '/api/operators/bus/tariffs', tariff)), [201, 'ok']);
  });

  it("when an operator's staff read another operator's journeys, charges or tariffs, then FORBIDDEN; their own are open", async () => {
    const metroViewer = await as('viewer', 'metro');
    for (const path of ['/api/operators/bus/journeys', '/api/operators/bus/charges', '/api/operators/bus/tariffs', '/api/operators/bus/disputes']) {
      assert.deepEqual(await status(metroViewer.call('GET', path)), [403, 'FORBIDDEN'], path);
    }
    assert.deepEqual(await status(metroViewer.call('GET', '/api/operators/metro/journeys')), [200, 'ok']);
    // The network's own staff see every operator.
    assert.deepEqual(await status((await as('viewer', null)).call('GET', '/api/operators/bus/journeys')), [200, 'ok']);
  });

  it("when a rider reads another rider's journeys, charges, receipts or arrears, then FORBIDDEN; their own are open", async () => {
    const ada = await enrolRider(t.api, { name: 'Ada' });
    const bob = await enrolRider(t.api, { name: 'Bob' });
    const asAda = t.api.as(await riderSession(t.db.knex, ada.riderId, T0));
    for (const path of ['journeys', 'charges', 'receipts', 'arrears', 'invoices', 'vehicles', 'family-payer']) {
      assert.deepEqual(await status(asAda.call('GET', `/api/riders/${bob.riderId}/${path}`)), [403, 'FORBIDDEN'], path);
    }
    assert.deepEqual(await status(asAda.call('POST', `/api/riders/${bob.riderId}/topups`, { amountMinor: 100, reference: 'x' })), [403, 'FORBIDDEN']);
    assert.deepEqual(await status(asAda.call('GET', `/api/riders/${ada.riderId}/journeys`)), [200, 'ok']);
    // A rider does not set their own credit score, nor an operator's staff read a rider's account directly.
    assert.deepEqual(await status(asAda.call('PUT', `/api/riders/${ada.riderId}/credit-score`, { score: 850 })), [403, 'FORBIDDEN']);
    assert.deepEqual(await status((await as('admin', 'metro')).call('GET', `/api/riders/${ada.riderId}/journeys`)), [403, 'FORBIDDEN']);
    // Nor staff work: deny lists and keys.
    assert.deepEqual(await status(asAda.call('GET', '/api/deny-list')), [403, 'FORBIDDEN']);
  });

  it('when a rider signs up, then the access token it gets acts for that rider only, and a credit line cannot be chosen at sign-up', async () => {
    const signUp = await anonymous.call('POST', '/api/riders', { name: 'Cleo' });
    assert.equal(signUp.status, 201);
    const asCleo = t.api.as(signUp.body.accessToken);
    assert.deepEqual(await status(asCleo.call('GET', `/api/riders/${signUp.body.id}`)), [200, 'ok']);
    assert.deepEqual(await status(anonymous.call('POST', '/api/riders', { name: 'Dan', payLaterLimitMinor: 1_000_000 })), [403, 'FORBIDDEN']);
    assert.deepEqual(await status(anonymous.call('GET', `/api/riders/${signUp.body.id}`)), [401, 'UNAUTHENTICATED']);
    assert.deepEqual(await status(t.api.as('tp_' + 'x'.repeat(43)).call('GET', `/api/riders/${signUp.body.id}`)), [401, 'UNAUTHENTICATED']);
    // A web login: the address logs in once it is taken, and cannot be taken again.
    const withLogin = { name: 'Fay', email: 'fay@example.org', password: 'a long enough password' };
    assert.equal((await anonymous.call('POST', '/api/riders', withLogin)).status, 201);
    assert.deepEqual(await status(anonymous.call('POST', '/api/riders', { ...withLogin, email: 'FAY@example.org' })), [409, 'EMAIL_TAKEN']);
    const login = await anonymous.call('POST', '/api/session', { email: 'fay@example.org', password: withLogin.password });
    assert.deepEqual([login.status, login.body.principal.kind, login.body.principal.name], [201, 'rider', 'Fay']);
  });

  it('when staff log in with a wrong password too often, then LOGIN_FAILED each time, then LOGIN_RATE_LIMITED even with the right one', async () => {
    const staff = await staffSession(t.db.knex, { role: 'viewer', operatorId: 'metro', now: T0 });
    const good = await anonymous.call('POST', '/api/session', { username: staff.username, password: staff.password });
    assert.equal(good.status, 201);
    assert.deepEqual(good.body.principal, { kind: 'staff', userId: staff.userId, username: staff.username, operatorId: 'metro', role: 'viewer' });
    assert.match(good.headers.get('set-cookie') ?? '', /turnpike_session=tp_[^;]+; Max-Age=28800; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Strict/);
    for (let i = 0; i < 3; i++) assert.deepEqual(await status(anonymous.call('POST', '/api/session', { username: staff.username, password: 'wrong password' })), [401, 'LOGIN_FAILED']);
    const limited = await anonymous.call('POST', '/api/session', { username: staff.username, password: staff.password });
    assert.deepEqual([limited.status, limited.body.error.code], [429, 'LOGIN_RATE_LIMITED']);
    assert.equal(limited.headers.get('retry-after'), '600');
    // The token of the good login works until it is ended.
    const session = t.api.as(good.body.token);
    assert.deepEqual(await status(session.call('GET', '/api/operators/metro/journeys')), [200, 'ok']);
    assert.equal((await session.call('DELETE', '/api/session')).status, 204);
    assert.deepEqual(await status(session.call('GET', '/api/operators/metro/journeys')), [401, 'UNAUTHENTICATED']);
  });

  it('when a browser session posts without its CSRF token, then CSRF_REJECTED; with it, the change is made and audited with who did it', async () => {
    const staff = await staffSession(t.db.knex, { role: 'supervisor', operatorId: null, now: T0 });
    const login = await anonymous.call('POST', '/api/session', { username: staff.username, password: staff.password });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const rider = await enrolRider(t.api, { name: 'Eve' });
    const post = (headers: Record<string, string>) => fetch(`${t.gateway.url}/api/deny-list`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', ...headers }, body: JSON.stringify({ tokenId: rider.tokenId, reason: 'fraud' }) });
    const refused = await post({});
    assert.equal(refused.status, 403);
    assert.equal((await refused.json()).error.code, 'CSRF_REJECTED');
    assert.equal((await post({ 'x-csrf-token': 'not-it' })).status, 403);
    const made = await post({ 'x-csrf-token': login.body.csrfToken });
    assert.equal(made.status, 201);
    // The change's row is written as the answer goes out.
    const change = await eventually(async () => (await listAudit(t.db.knex, { limit: 20 })).find((row) => row.action === 'POST /api/deny-list' && row.outcome === 'done'), 2000, 'the audit row');
    const rows = await listAudit(t.db.knex, { limit: 20 });
    assert.equal(change?.actorName, staff.username);
    assert.equal((change?.detail as any).body.tokenId, rider.tokenId);
    assert.ok(rows.some((row) => row.outcome === 'refused' && (row.detail as any)?.code === 'CSRF_REJECTED' && row.actorName === staff.username));
  });

  it('when anything is refused, then an audit row says who, what and why', async () => {
    const before = (await listAudit(t.db.knex, { outcome: 'refused', limit: 1000 })).length;
    const metroViewer = await as('viewer', 'metro');
    await metroViewer.call('GET', '/api/operators/bus/charges');
    await anonymous.call('GET', '/api/lanes');
    const rows = await listAudit(t.db.knex, { outcome: 'refused', limit: 2 });
    assert.equal((await listAudit(t.db.knex, { outcome: 'refused', limit: 1000 })).length, before + 2);
    assert.deepEqual(rows.map((row) => [row.actorKind, row.target, (row.detail as any).code]), [
      ['anonymous', 'GET /api/lanes', 'UNAUTHENTICATED'],
      ['staff', 'GET /api/operators/bus/charges', 'FORBIDDEN'],
    ]);
    assert.equal(rows[1]!.operatorId, 'bus');
  });

  it('when any answer is sent, then it carries the security headers', async () => {
    for (const path of ['/api/health', '/login', '/console.css']) {
      const response = await fetch(`${t.gateway.url}${path}`);
      assert.match(response.headers.get('content-security-policy') ?? '', /default-src 'self'.*frame-ancestors 'none'/, path);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(response.headers.get('x-frame-options'), 'DENY');
      assert.equal(response.headers.get('referrer-policy'), 'same-origin');
    }
  });
});
