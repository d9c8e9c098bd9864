import type { GatewayContext } from '../context.js';
import { GatewayError } from '../errors.js';
import { recordAudit } from './audit.js';
import { checkLoginAllowed } from './loginThrottle.js';
import { spendVerification, verifyPassword } from './passwords.js';
import { ANONYMOUS, type Principal } from './principal.js';
import { findRiderLogin } from './riderLogins.js';
import { startSession, type StartedSession } from './sessions.js';
import { findStaffByUsername } from './staffUsers.js';

export interface LoginAttempt {
  /** staff log in with a username, riders with their e-mail address. */
  kind: 'staff' | 'rider';
  name: string;
  password: string;
  /** clientSourceOf(request). */
  source: string;
}

/** Check a password, within the rate limits, and start a session; every attempt is audited. */
export async function logIn(ctx: GatewayContext, attempt: LoginAttempt): Promise<StartedSession & { principal: Principal }> {
  const name = `${attempt.kind}:${attempt.name.trim().toLowerCase()}`;
  const now = ctx.clock.now();
  const limits = { maxFailures: ctx.config.loginMaxFailures, windowS: ctx.config.loginWindowS };
  await checkLoginAllowed(ctx.knex, name, attempt.source, now, limits);
  const subject = await findSubject(ctx, attempt);
  if (!subject) {
    ctx.metrics.increment('access.login_failed');
    await recordAudit(ctx.knex, ANONYMOUS, now, { action: 'login.failed', target: name, outcome: 'refused', source: attempt.source });
    throw new GatewayError('LOGIN_FAILED', attempt.kind === 'staff' ? 'wrong username or password' : 'wrong e-mail address or password');
  }
  const ttlS = attempt.kind === 'staff' ? ctx.config.staffSessionTtlS : ctx.config.riderSessionTtlS;
  const session = await startSession(ctx.knex, { kind: attempt.kind, id: subject.id }, { now, ttlS });
  await recordAudit(ctx.knex, subject.principal, now, { action: 'login.done', target: name, outcome: 'done', source: attempt.source });
  return { ...session, principal: subject.principal };
}

async function findSubject(ctx: GatewayContext, attempt: LoginAttempt): Promise<{ id: string; principal: Principal } | undefined> {
  const cost = ctx.config.passwordCostLog2;
  if (attempt.kind === 'staff') {
    const user = await findStaffByUsername(ctx.knex, attempt.name);
    if (!user || user.disabledAt !== null) return spendVerification(attempt.password, cost).then(() => undefined);
    if (!(await verifyPassword(attempt.password, user.passwordHash))) return undefined;
    return { id: user.id, principal: { kind: 'staff', userId: user.id, username: user.username, operatorId: user.operatorId, role: user.role } };
  }
  const login = await findRiderLogin(ctx.knex, attempt.name);
  if (!login) return spendVerification(attempt.password, cost).then(() => undefined);
  if (!(await verifyPassword(attempt.password, login.passwordHash))) return undefined;
  const rider = await ctx.knex('riders').where({ id: login.riderId }).first('id', 'name');
  return rider ? { id: rider.id, principal: { kind: 'rider', riderId: rider.id, name: rider.name } } : undefined;
}
