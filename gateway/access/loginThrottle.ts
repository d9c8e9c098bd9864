import type { Knex } from 'knex';
import { GatewayError } from '../errors.js';

export interface LoginLimits {
  maxFailures: number;
  windowS: number;
}

/** Many people may share one address (an office behind NAT): an address gets this many times a name's failures. */
export const SOURCE_FAILURES_FACTOR = 4;

/**
 * Refuse a login attempt once its name has failed `maxFailures` times within the window, or its
 * client address SOURCE_FAILURES_FACTOR times as many. Failures are audit rows (action login.failed), so every gateway replica
 * counts the same ones.
 */
export async function checkLoginAllowed(db: Knex, name: string, source: string, now: number, limits: LoginLimits): Promise<void> {
  const since = now - limits.windowS * 1000;
  const count = async (column: 'target' | 'source', value: string) => {
    const row = await db('audit_log').where({ action: 'login.failed', [column]: value }).andWhere('at', '>', since).count({ n: '*' }).first();
    return Number(row?.n ?? 0);
  };
  const [byName, bySource] = await Promise.all([count('target', name), count('source', source)]);
  if (byName >= limits.maxFailures || bySource >= limits.maxFailures * SOURCE_FAILURES_FACTOR) {
    throw new GatewayError('LOGIN_RATE_LIMITED', `too many failed logins: try again in ${Math.ceil(limits.windowS / 60)} minutes`, { details: { retryAfterS: limits.windowS } });
  }
}
