import assert from 'node:assert/strict';
import { enrolRider, startTestGateway, type TestGateway } from './support.js';

describe('gateway HTTP errors', () => {
  let t: TestGateway;
  before(async () => (t = await startTestGateway({ config: { maxBodyBytes: 4096 } })));
  after(async () => t.close());

  const code = (answer: { status: number; body: { error: { code: string } } }) => [answer.status, answer.body.error.code];

  it('when the body is not JSON, then MALFORMED_JSON 400', async () => {
    assert.deepEqual(code(await t.api.raw('POST', '/api/riders', '{"name": ')), [400, 'MALFORMED_JSON']);
  });

  it('when the body is larger than allowed, then BODY_TOO_LARGE 413', async () => {
    assert.deepEqual(code(await t.api.call('POST', '/api/riders', { name: 'x'.repeat(10_000) })), [413, 'BODY_TOO_LARGE']);
  });

  it('when fields are missing or of the wrong type, then VALIDATION_FAILED 400', async () => {
    assert.deepEqual(code(await t.api.call('POST', '/api/riders', {})), [400, 'VALIDATION_FAILED']);
    assert.deepEqual(code(await t.api.call('POST', '/api/riders', { name: 'A', payLaterLimitMinor: -1 })), [400, 'VALIDATION_FAILED']);
    assert.deepEqual(code(await t.api.raw('POST', '/api/riders', 'name=A', 'application/x-www-form-urlencoded')), [400, 'VALIDATION_FAILED']);
    assert.deepEqual(code(await t.api.call('GET', '/api/lane/v1/trust?since=-3')), [400, 'VALIDATION_FAILED']);
  });

  it('when a path, query or body holds a NUL character, then VALIDATION_FAILED 400 in both database modes', async () => {
    assert.deepEqual(code(await t.api.call('GET', '/api/riders/%00/charges')), [400, 'VALIDATION_FAILED']);
    assert.deepEqual(code(await t.api.call('POST', '/api/riders', { name: 'A\u0000B' })), [400, 'VALIDATION_FAILED']);
    assert.deepEqual(code(await t.api.call('GET', '/api/operators/metro/journeys?from=%00')), [400, 'VALIDATION_FAILED']);
  });

  it('when a rider, phone or route does not exist, then its own 404 code', async () => {
    assert.deepEqual(code(await t.api.call('GET', '/api/riders/nobody')), [404, 'RIDER_NOT_FOUND']);
    const rider = await enrolRider(t.api);
    assert.deepEqual(code(await t.api.call('POST', `/api/riders/${rider.riderId}/phones/nophone/credential`)), [404, 'PHONE_NOT_FOUND']);
    assert.deepEqual(code(await t.api.call('GET', '/api/operators/nobody/journeys')), [404, 'OPERATOR_NOT_FOUND']);
    assert.deepEqual(code(await t.api.call('GET', '/api/nothing-here')), [404, 'ROUTE_NOT_FOUND']);
  });

  it('when a phone key is of an unknown algorithm or the wrong length, then a 400 with its code', async () => {
    const rider = await enrolRider(t.api);
    assert.deepEqual(code(await t.api.call('POST', `/api/riders/${rider.riderId}/phones`, { publicKey: 'AAAA', algorithm: 'rsa' })), [400, 'ALGORITHM_UNSUPPORTED']);
    assert.deepEqual(code(await t.api.call('POST', `/api/riders/${rider.riderId}/phones`, { publicKey: 'AAAA', algorithm: 'ed25519' })), [400, 'VALIDATION_FAILED']);
  });

  it('when errors were answered, then they are counted by code and the gateway still serves', async () => {
    const health = await t.api.call('GET', '/api/health');
    assert.equal(health.status, 200);
    assert.ok(health.body.counters['http.errors.MALFORMED_JSON'] >= 1);
    assert.ok(health.body.counters['http.errors.VALIDATION_FAILED'] >= 1);
  });
});
