import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { ED25519 } from '../../../protocol/ridecode/algorithms.js';
import { parseCodeText, parseCredential } from '../../../protocol/ridecode/format.js';
import { signCode as signCodeNode, signCredential, verifyCodeSignature } from '../../../protocol/ridecode/sign.js';

/** The browser's copy of the code format (gateway/web/rideCodeFormat.js), run here on Node's WebCrypto. */
const browserFormat = await import(new URL('../../../gateway/web/rideCodeFormat.js', import.meta.url).href);

async function browserPhone() {
  const keys = (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])) as CryptoKeyPair;
  const raw = Buffer.from(await crypto.subtle.exportKey('raw', keys.publicKey));
  return { privateKey: keys.privateKey, raw };
}

function credentialFor(phoneKey: Buffer): Buffer {
  const issuer = generateKeyPairSync('ed25519');
  return signCredential(
    { issuerAlgorithmId: 1, keyId: 513, tokenId: '0123456789abcdef0123456789abcdef', fareClass: 2, offlineLimitMinor: 2500, currencyNumeric: 978, validFromS: 1_767_600_000, validUntilS: 1_767_686_400, phoneAlgorithmId: 1, phonePublicKey: phoneKey },
    issuer.privateKey,
  );
}

describe("the ride code page's code format (gateway/web/rideCodeFormat.js)", () => {
  it('when the browser signs a code with its non-extractable Ed25519 key, then the protocol parser reads every field and the phone signature verifies', async () => {
    const phone = await browserPhone();
    const credential = credentialFor(phone.raw);
    const text: string = await browserFormat.signCode(phone.privateKey, new Uint8Array(credential), 1_767_600_123, 4_294_967_295);
    assert.ok(text.startsWith('TP1.'));
    assert.equal(text.length, 280, 'the size docs/ride-code-format.md states for Ed25519');
    const code = parseCodeText(text);
    assert.deepEqual([code.version, code.generatedAtS, code.counter], [1, 1_767_600_123, 4_294_967_295]);
    assert.ok(code.credential.raw.equals(credential), 'the credential is carried unchanged');
    assert.ok(verifyCodeSignature(code, ED25519.publicKeyFromRaw(phone.raw)));
    assert.ok(!verifyCodeSignature(code, ED25519.publicKeyFromRaw((await browserPhone()).raw)), 'and only with its own key');
  });

  it('when the same body is signed by the browser and by node:crypto with the same key, then the bytes are identical (Ed25519 is deterministic)', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
    const webKey = await crypto.subtle.importKey('pkcs8', pkcs8, { name: 'Ed25519' }, false, ['sign']);
    const credential = credentialFor(ED25519.rawFromPublicKey(publicKey));
    assert.equal(await browserFormat.signCode(webKey, new Uint8Array(credential), 1_767_600_000, 7), signCodeNode(credential, 1, privateKey, 1_767_600_000, 7));
  });

  it('when the page reads a credential, then it finds the fields the protocol wrote', async () => {
    const phone = await browserPhone();
    const credential = credentialFor(phone.raw);
    const read = browserFormat.readCredential(new Uint8Array(credential));
    const parsed = parseCredential(credential);
    assert.deepEqual(
      { keyId: read.keyId, tokenId: read.tokenId, fareClass: read.fareClass, offlineLimitMinor: read.offlineLimitMinor, currencyNumeric: read.currencyNumeric, validFromS: read.validFromS, validUntilS: read.validUntilS },
      { keyId: parsed.keyId, tokenId: parsed.tokenId, fareClass: parsed.fareClass, offlineLimitMinor: parsed.offlineLimitMinor, currencyNumeric: parsed.currencyNumeric, validFromS: parsed.validFromS, validUntilS: parsed.validUntilS },
    );
    assert.ok(Buffer.from(read.phonePublicKey).equals(phone.raw));
    assert.equal(browserFormat.bytesToBase64url(phone.raw), phone.raw.toString('base64url'));
    assert.ok(Buffer.from(browserFormat.base64urlToBytes(credential.toString('base64url'))).equals(credential));
    assert.throws(() => browserFormat.readCredential(new Uint8Array(10)), /not a version 1 credential/);
  });
});
