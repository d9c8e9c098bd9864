import { createHash, randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { toNumber } from '../db/rows.js';
import type { Principal } from './principal.js';

/** A session as its holder sees it: the token goes in a cookie or an Authorization header, once. */
export interface StartedSession {
  token: string;
  csrfToken: string;
  expiresAt: number;
}

export interface ResolvedSession {
  principal: Exclude<Principal, { kind: 'anonymous' }>;
  csrfToken: string;
  tokenHash: string;
}

/** Tokens are 256 random bits; only their SHA-256 is stored, so a copy of the database opens no session. */
const hashOf = (token: string) => createHash('sha256').update(token).digest('base64url');
const TOKEN_PATTERN = /^tp_[A-Za-z0-9_-]{43}$/;

export async function startSession(db: Knex, subject: { kind: 'staff' | 'rider'; id: string }, options: { now: number; ttlS: number }): Promise<StartedSession> {
  const token = `tp_${randomBytes(32).toString('base64url')}`;
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = options.now + options.ttlS * 1000;
  await db('sessions').insert({ token_hash: hashOf(token), subject_kind: subject.kind, subject_id: subject.id, csrf_token: csrfToken, created_at: options.now, expires_at: expiresAt, ended_at: null });
  return { token, csrfToken, expiresAt };
}

/** The principal of a live session, or undefined for an unknown, ended or expired token (or a disabled account). */
export async function resolveSession(db: Knex, token: string, now: number): Promise<ResolvedSession | undefined> {
  if (!TOKEN_PATTERN.test(token)) return undefined;
  const tokenHash = hashOf(token);
  const session = await db('sessions').where({ token_hash: tokenHash }).whereNull('ended_at').first();
  if (!session || toNumber(session.expires_at) <= now) return undefined;
  if (session.subject_kind === 'staff') {
    const user = await db('staff_users').where({ id: session.subject_id }).whereNull('disabled_at').first();
    if (!user) return undefined;
    return { tokenHash, csrfToken: session.csrf_token, principal: { kind: 'staff', userId: user.id, username: user.username, operatorId: user.operator_id ?? null, role: user.role } };
  }
  const rider = await db('riders').where({ id: session.subject_id }).first('id', 'name');
  if (!rider) return undefined;
  return { tokenHash, csrfToken: session.csrf_token, principal: { kind: 'rider', riderId: rider.id, name: rider.name } };
}

export async function endSession(db: Knex, tokenHash: string, now: number): Promise<void> {
  await db('sessions').where({ token_hash: tokenHash }).whereNull('ended_at').update({ ended_at: now });
}
