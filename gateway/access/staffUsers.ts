import type { Knex } from 'knex';
import { z } from 'zod';
import { GatewayError, NotFoundError } from '../errors.js';
import { toNullableNumber } from '../db/rows.js';
import { hashPassword } from './passwords.js';
import { STAFF_ROLES, type StaffRole } from './principal.js';

export const NewStaffUser = z.object({
  username: z.string().trim().toLowerCase().regex(/^[a-z0-9][a-z0-9._-]{2,63}$/, '3-64 letters, digits, dots, dashes or underscores'),
  password: z.string().min(12, 'at least 12 characters').max(200),
  role: z.enum(STAFF_ROLES),
  /** Absent or null: the network's own staff. */
  operatorId: z.string().min(1).max(64).nullable().optional(),
});
export type NewStaffUser = z.input<typeof NewStaffUser>;

export interface StaffUser {
  id: string;
  username: string;
  operatorId: string | null;
  role: StaffRole;
  passwordHash: string;
  disabledAt: number | null;
}

const fromRow = (row: any): StaffUser => ({ id: row.id, username: row.username, operatorId: row.operator_id ?? null, role: row.role, passwordHash: row.password_hash, disabledAt: toNullableNumber(row.disabled_at) });

export async function createStaffUser(db: Knex, input: NewStaffUser, options: { id: string; now: number; costLog2?: number }): Promise<StaffUser> {
  const user = NewStaffUser.parse(input);
  if (user.operatorId && !(await db('operators').where({ id: user.operatorId }).first('id'))) throw new NotFoundError('OPERATOR_NOT_FOUND', `operator ${user.operatorId}`);
  if (await db('staff_users').where({ username: user.username }).first('id')) throw new GatewayError('USERNAME_TAKEN', `username ${user.username} is taken`);
  const row = { id: options.id, username: user.username, operator_id: user.operatorId ?? null, role: user.role, password_hash: await hashPassword(user.password, options.costLog2), created_at: options.now, disabled_at: null };
  await db('staff_users').insert(row);
  return fromRow(row);
}

export async function findStaffByUsername(db: Knex, username: string): Promise<StaffUser | undefined> {
  const row = await db('staff_users').where({ username: username.trim().toLowerCase() }).first();
  return row ? fromRow(row) : undefined;
}

export async function findStaffById(db: Knex, id: string): Promise<StaffUser | undefined> {
  const row = await db('staff_users').where({ id }).first();
  return row ? fromRow(row) : undefined;
}
