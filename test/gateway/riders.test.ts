import assert from 'node:assert/strict';
import { parseCredential } from '../../protocol/ridecode/format.js';
import { ED25519 } from '../../protocol/ridecode/algorithms.js';
import { verifyCredentialSignature } from '../../protocol/ridecode/sign.js';
import { enrolRider, startTestGateway, T0, type TestGateway } from './support.js';

describe('gateway riders and credentials', () => {
  let t: TestGateway;
  beforeEach(async () => (t = await startTestGateway()));
  afterEach(async () => t.close());

  it('when a rider registers, enrols a phone and asks for a credential, then it is signed by a published issuer key', async () => {
    const rider = await enrolRider(t.api, { payLaterLimitMinor: 500 });
    await t.api.call('POST', `/api/riders/${rider.riderId}/topups`, { amountMinor: 1200, reference: 'card-1' });
    const issued = await t.api.call('POST', `/api/riders/${rider.riderId}/phones/${rider.phoneId}/credential`);
    assert.equal(issued.status, 201);
    const credential = parseCredential(Buffer.from(issued.body.credential, 'base64url'));
    const keys = await t.api.call('GET', '/api/keys');
    const key = keys.body.keys.find((k: { keyId: number }) => k.keyId === issued.body.keyId);
    assert.ok(key, 'the signing key is listed');
    assert.ok(verifyCredentialSignature(credential, ED25519.publicKeyFromRaw(Buffer.from(key.publicKey, 'base64url'))));
    assert.equal(credential.tokenId, rider.tokenId);
    assert.equal(credential.offlineLimitMinor, 1700, 'available funds: balance 1200 + pay-later 500');
    assert.equal(credential.currencyNumeric, 978);
    assert.equal(credential.phonePublicKey.toString('base64url'), rider.publicKey);
    assert.equal(credential.validUntilS - Math.floor(T0 / 1000), 86_400);
    assert.ok(credential.validFromS <= Math.floor(T0 / 1000));
    assert.notEqual(credential.tokenId, rider.riderId.replace(/-/g, ''), 'the token is not the rider id');
    const trust = await t.api.call('GET', '/api/lane/v1/trust?since=0');
    assert.ok(trust.body.changes.some((change: { kind: string; keyId: number }) => change.kind === 'key.add' && change.keyId === issued.body.keyId));
  });

  it('when available funds exceed the maximum, then the offline limit is clamped to it', async () => {
    const rider = await enrolRider(t.api);
    await t.api.call('POST', `/api/riders/${rider.riderId}/topups`, { amountMinor: 50_000, reference: 'big' });
    const issued = await t.api.call('POST', `/api/riders/${rider.riderId}/phones/${rider.phoneId}/credential`);
    assert.equal(issued.body.offlineLimitMinor, 3000);
  });

  it('when the same top-up reference is sent twice, then the wallet is credited once', async () => {
    const rider = await enrolRider(t.api);
    const first = await t.api.call('POST', `/api/riders/${rider.riderId}/topups`, { amountMinor: 700, reference: 'r1' });
    const again = await t.api.call('POST', `/api/riders/${rider.riderId}/topups`, { amountMinor: 700, reference: 'r1' });
    assert.equal(first.status, 201);
    assert.equal(again.status, 200);
    assert.equal(again.body.balanceMinor, 700);
    const view = await t.api.call('GET', `/api/riders/${rider.riderId}`);
    assert.deepEqual([view.body.balanceMinor, view.body.availableMinor, view.body.status], [700, 2700, 'active']);
    const conflict = await t.api.call('POST', `/api/riders/${rider.riderId}/topups`, { amountMinor: 900, reference: 'r1' });
    assert.equal(conflict.status, 409);
    assert.equal(conflict.body.error.code, 'IDEMPOTENCY_CONFLICT');
  });

  it('when a ride code is asked for as SVG, then a QR code comes back', async () => {
    const rider = await enrolRider(t.api);
    const answer = await t.api.call('GET', `/api/riders/${rider.riderId}/ride-code.svg?code=${encodeURIComponent('TP1.AAAA')}`);
    assert.equal(answer.status, 200);
    assert.match(answer.headers.get('content-type') ?? '', /image\/svg\+xml/);
    assert.match(answer.body, /^<svg/);
  });
});
