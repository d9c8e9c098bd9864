import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { RideCodeWallet } from '../client/rideCodeWallet.js';
import { parseLaneConfig } from '../lanes/config.js';
import { MemoryHotStore } from '../lanes/hotstate/memoryHotStore.js';
import { TrustCopy } from '../lanes/trust/trustCopy.js';
import { RideCodeValidator } from '../lanes/validation/rideCodeValidator.js';
import { ScanDecider } from '../lanes/validation/scanDecider.js';
import { ED25519 } from '../protocol/ridecode/algorithms.js';
import { signCredential } from '../protocol/ridecode/sign.js';

export interface ValidationResult {
  validationsPerS: number;
  validations: number;
  credentials: number;
  opened: number;
  denied: number;
  elapsedMs: number;
}

const ISSUER_KEY_ID = 1;
const WARMUP_CODES = 3000;

/**
 * Full offline validations on one core, as a lane makes them (design section 3): a
 * RideCodeValidator and a ScanDecider over a trust copy holding one issuer key and the
 * in-process hot store. Each code is fresh and new (so it is claimed and passback is read), from
 * credentials already in the cache, as at a busy station where the regulars come back.
 */
export async function measureValidations(options: { validations: number; credentials: number }): Promise<ValidationResult> {
  const nowMs = Date.now();
  const nowS = Math.floor(nowMs / 1000);
  const issuer = generateKeyPairSync('ed25519');
  const trust = new TrustCopy();
  trust.apply({
    version: 1,
    at: nowMs,
    kind: 'key.add',
    keyId: ISSUER_KEY_ID,
    algorithm: 'ed25519',
    publicKey: ED25519.rawFromPublicKey(issuer.publicKey).toString('base64url'),
    validFromS: nowS - 86_400,
    validUntilS: nowS + 30 * 86_400,
  });
  const config = parseLaneConfig({ siteId: 'M1-01', journalFile: ':memory:' });
  const hotStore = new MemoryHotStore({});
  await hotStore.start();
  try {
    const validator = new RideCodeValidator(trust, config);
    const decider = new ScanDecider(validator, hotStore, () => false, config);
    const wallets = Array.from({ length: options.credentials }, () => walletFrom(issuer.privateKey, nowS));
    // Warm the credential cache: the issuer signature is checked once per credential, not per scan.
    for (const wallet of wallets) validator.validate(wallet.code(nowMs), nowMs);
    const codes = (count: number) => Array.from({ length: count }, (_, index) => wallets[index % wallets.length].code(nowMs));

    const warmup = codes(WARMUP_CODES);
    for (const code of warmup) await decider.decide(code, 'entry', Date.now());
    const measured = codes(options.validations);
    let opened = 0;
    const startedAt = performance.now();
    for (const code of measured) if ((await decider.decide(code, 'entry', Date.now())).action === 'open') opened++;
    const elapsedMs = performance.now() - startedAt;
    return { validationsPerS: Math.round((measured.length / elapsedMs) * 1000), validations: measured.length, credentials: wallets.length, opened, denied: measured.length - opened, elapsedMs };
  } finally {
    await hotStore.close();
  }
}

function walletFrom(issuerPrivateKey: KeyObject, nowS: number): RideCodeWallet {
  const wallet = RideCodeWallet.generate();
  wallet.setCredential(
    signCredential(
      {
        issuerAlgorithmId: ED25519.id,
        keyId: ISSUER_KEY_ID,
        tokenId: randomBytes(16).toString('hex'),
        fareClass: 0,
        offlineLimitMinor: 3000,
        currencyNumeric: 978,
        validFromS: nowS - 3600,
        validUntilS: nowS + 86_400,
        phoneAlgorithmId: ED25519.id,
        phonePublicKey: ED25519.rawFromPublicKey(wallet.publicKey),
      },
      issuerPrivateKey,
    ).toString('base64url'),
  );
  return wallet;
}
