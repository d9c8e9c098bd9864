import assert from 'node:assert/strict';
import { parseCodeText } from '../../protocol/ridecode/format.js';
import { ManualClock } from '../../protocol/clock.js';
import { Phone } from '../../simulator/people/phone.js';
import { RideCodeWallet } from '../../client/rideCodeWallet.js';
import { giveTestCredential, testCredential } from './support.js';

describe('simulator phone', () => {
  it('when a phone makes codes, then each is fresh, distinct and for its own token', () => {
    const clock = new ManualClock();
    const phone = new Phone({ clock });
    giveTestCredential(phone.wallet, clock.now());
    const first = phone.code();
    clock.advance(1000);
    const second = phone.code();
    assert.notEqual(first, second);
    const parsed = [first, second].map(parseCodeText);
    assert.equal(parsed[0].generatedAtS, Math.floor((clock.now() - 1000) / 1000));
    assert.equal(parsed[1].generatedAtS, Math.floor(clock.now() / 1000));
    assert.ok(parsed[1].counter > parsed[0].counter);
    assert.equal(parsed[0].credential.tokenId, phone.tokenId);
  });

  it('when a screenshot is taken, then it keeps the code of that moment while fresh codes move on', () => {
    const clock = new ManualClock();
    const phone = new Phone({ clock });
    giveTestCredential(phone.wallet, clock.now());
    const shot = phone.screenshot();
    clock.advance(120_000);
    assert.equal(phone.screenshotCode, shot);
    assert.notEqual(phone.code(), shot);
    assert.equal(parseCodeText(shot).generatedAtS, Math.floor((clock.now() - 120_000) / 1000));
  });

  it('when a phone enrols, then it registers its key and stores the credential the gateway issues', async () => {
    const issued: string[] = [];
    const wallet = RideCodeWallet.generate();
    const phone = new Phone({
      wallet,
      fetch: async (input, init) => {
        const url = String(input);
        issued.push(`${init?.method} ${new URL(url).pathname}`);
        if (url.endsWith('/phones')) {
          assert.equal(JSON.parse(String(init?.body)).publicKey, wallet.publicKeyBase64url);
          return Response.json({ phoneId: 'p1', tokenId: 'ab'.repeat(16) }, { status: 201 });
        }
        return Response.json({ credential: testCredential(wallet), keyId: 1, validFromS: 0, validUntilS: 1, offlineLimitMinor: 2000, fareClass: 0 }, { status: 201 });
      },
    });
    const enrolment = await phone.enrol('http://gateway.invalid', 'r1');
    assert.deepEqual(issued, ['POST /api/riders/r1/phones', 'POST /api/riders/r1/phones/p1/credential']);
    assert.equal(enrolment.phoneId, 'p1');
    assert.ok(phone.code().startsWith('TP1.'));
  });

  it('when the gateway refuses, then enrolment fails with its error code', async () => {
    const phone = new Phone({ fetch: async () => Response.json({ error: { code: 'RIDER_NOT_FOUND', message: 'no such rider' } }, { status: 404 }) });
    await assert.rejects(phone.enrol('http://gateway.invalid', 'nobody'), { code: 'RIDER_NOT_FOUND', status: 404 });
  });
});
