import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt (RFC 7914); OWASP's minimum cost for it is N=2^17, r=8, p=1 (gateway config passwordCostLog2). */
const MAX_MEM = 256 * 1024 * 1024;
const KEY_BYTES = 32;

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (error, key) => (error ? reject(error) : resolve(key))));
}

/** "scrypt$N$r$p$salt$hash", so the cost can rise later without breaking stored hashes. */
export async function hashPassword(password: string, costLog2 = 17): Promise<string> {
  const salt = randomBytes(16);
  const cost = { N: 2 ** costLog2, r: 8, p: 1 };
  const key = await derive(password, salt, { ...cost, maxmem: MAX_MEM });
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p), maxmem: MAX_MEM });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** Verify against a fixed hash when the login name is unknown, so timing does not tell which names exist. */
const decoys = new Map<number, Promise<string>>();
export async function spendVerification(password: string, costLog2 = 17): Promise<false> {
  if (!decoys.has(costLog2)) decoys.set(costLog2, hashPassword('turnpike-decoy-password', costLog2));
  await verifyPassword(password, await decoys.get(costLog2)!);
  return false;
}
