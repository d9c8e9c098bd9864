import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import QRCode from 'qrcode';
import { RideCodeWallet } from '../../client/rideCodeWallet.js';
import { ED25519 } from '../../protocol/ridecode/algorithms.js';
import { CODE_TEXT_PREFIX, codeBytesFromText, parseCodeText, parseCredential, RideCodeFormatError } from '../../protocol/ridecode/format.js';
import { signCredential, verifyCodeSignature, verifyCredentialSignature } from '../../protocol/ridecode/sign.js';

const issuer = generateKeyPairSync('ed25519');

function enrolledWallet(overrides: Partial<Parameters<typeof signCredential>[0]> = {}) {
  const wallet = RideCodeWallet.generate();
  const credential = signCredential(
    {
      issuerAlgorithmId: ED25519.id,
      keyId: 513,
      tokenId: '0123456789abcdef0123456789abcdef',
      fareClass: 2,
      offlineLimitMinor: 2500,
      currencyNumeric: 978,
      validFromS: 1_767_000_000,
      validUntilS: 1_767_086_400,
      phoneAlgorithmId: ED25519.id,
      phonePublicKey: ED25519.rawFromPublicKey(wallet.publicKey),
      ...overrides,
    },
    issuer.privateKey,
  );
  wallet.setCredential(credential.toString('base64url'));
  return { wallet, credential };
}

describe('ride code format', () => {
  it('when a phone signs a code, then every field reads back and both signatures verify', () => {
    const { wallet } = enrolledWallet();
    const code = parseCodeText(wallet.code(1_767_000_123_456));
    assert.equal(code.credential.keyId, 513);
    assert.equal(code.credential.tokenId, '0123456789abcdef0123456789abcdef');
    assert.equal(code.credential.fareClass, 2);
    assert.equal(code.credential.offlineLimitMinor, 2500);
    assert.equal(code.credential.currencyNumeric, 978);
    assert.equal(code.credential.validUntilS, 1_767_086_400);
    assert.equal(code.generatedAtS, 1_767_000_123);
    assert.equal(code.counter, 1);
    assert.ok(verifyCredentialSignature(code.credential, issuer.publicKey));
    assert.ok(verifyCodeSignature(code, wallet.publicKey));
  });

  it('when codes are generated in a row, then each has its own counter and text', () => {
    const { wallet } = enrolledWallet();
    const texts = [1, 2, 3].map(() => wallet.code(1_767_000_123_000));
    assert.equal(new Set(texts).size, 3);
    assert.deepEqual(texts.map((text) => parseCodeText(text).counter), [1, 2, 3]);
  });

  it('when a code is rendered, then it is 207 bytes and fits a version 12 QR code at level M', () => {
    const { wallet } = enrolledWallet();
    const text = wallet.code();
    assert.ok(text.startsWith(CODE_TEXT_PREFIX));
    assert.equal(codeBytesFromText(text).length, 207);
    const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
    assert.ok(qr.version <= 12, `QR version ${qr.version}`);
  });

  it('when the signature is cut off, then the parser keeps it visibly empty for the verifier to deny', () => {
    const { wallet } = enrolledWallet();
    const bytes = codeBytesFromText(wallet.code());
    const stripped = parseCodeText(CODE_TEXT_PREFIX + bytes.subarray(0, bytes.length - 64).toString('base64url'));
    assert.equal(stripped.signature.length, 0);
    assert.equal(verifyCodeSignature(stripped, wallet.publicKey), false);
  });

  it('when a credential is issued for another phone key, then the wallet refuses it', () => {
    const { credential } = enrolledWallet();
    assert.throws(() => RideCodeWallet.generate().setCredential(credential.toString('base64url')), /another phone key/);
  });

  const malformed: Array<[string, string, string]> = [
    ['empty text', '', 'FORMAT_INVALID'],
    ['another prefix', 'HELLO.abc', 'FORMAT_INVALID'],
    ['a future text version', 'TP2.AAAA', 'VERSION_UNSUPPORTED'],
    ['bad base64url', 'TP1.ab+/', 'FORMAT_INVALID'],
    ['oversized text', 'TP1.' + 'A'.repeat(2000), 'CODE_TOO_LARGE'],
    ['a truncated code', 'TP1.AQ', 'FORMAT_INVALID'],
  ];
  for (const [name, text, reason] of malformed) {
    it(`when the code is ${name}, then parsing fails with ${reason}`, () => {
      assert.throws(() => parseCodeText(text), (error: unknown) => error instanceof RideCodeFormatError && error.reason === reason);
    });
  }

  it('when the credential names an unknown algorithm, then parsing fails with ALGORITHM_UNSUPPORTED', () => {
    const { credential } = enrolledWallet();
    const altered = Buffer.from(credential);
    altered[1] = 9;
    assert.throws(() => parseCredential(altered), (error: unknown) => error instanceof RideCodeFormatError && error.reason === 'ALGORITHM_UNSUPPORTED');
  });
});
