import type { Knex } from 'knex';
import { hashPassword } from './passwords.js';

/** A rider's web login: their e-mail address (stored in lower case) and a password. */
export interface RiderLogin {
  email: string;
  riderId: string;
  passwordHash: string;
}

export async function setRiderLogin(db: Knex | Knex.Transaction, riderId: string, email: string, password: string, options: { now: number; costLog2?: number }): Promise<void> {
  const row = { email: email.trim().toLowerCase(), rider_id: riderId, password_hash: await hashPassword(password, options.costLog2), created_at: options.now };
  await db('rider_logins').insert(row).onConflict('rider_id').merge(['email', 'password_hash']);
}

export async function findRiderLogin(db: Knex, email: string): Promise<RiderLogin | undefined> {
  const row = await db('rider_logins').where({ email: email.trim().toLowerCase() }).first();
  return row ? { email: row.email, riderId: row.rider_id, passwordHash: row.password_hash } : undefined;
}

export async function emailTaken(db: Knex | Knex.Transaction, email: string): Promise<boolean> {
  return Boolean(await db('rider_logins').where({ email: email.trim().toLowerCase() }).first('email'));
}
