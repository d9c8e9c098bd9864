import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { hashPassword } from '../gateway/access/passwords.js';
import { setRiderLogin } from '../gateway/access/riderLogins.js';
import { createStaffUser, findStaffByUsername } from '../gateway/access/staffUsers.js';
import { uuidv7 } from '../protocol/ids.js';
import { DEMO_OPERATORS, DEMO_TOLL_OPERATOR } from './network.js';

export const DEMO_RIDER_EMAIL = 'rider@turnpike.example';

export interface DemoLogins {
  password: string;
  staff: Array<{ username: string; role: string; operatorId: string | null }>;
  riderEmail: string;
}

/**
 * Logins to look around with: the network's admin, a supervisor and a viewer per operator, and
 * a web login for one simulated rider (whose journeys the demo's traffic makes). Users kept from
 * an earlier run get this run's password.
 */
export async function seedDemoLogins(knex: Knex, riderId: string, options: { password?: string; costLog2?: number }): Promise<DemoLogins> {
  const password = options.password ?? randomBytes(9).toString('base64url');
  const wanted = [
    { username: 'admin', role: 'admin' as const, operatorId: null },
    ...[...DEMO_OPERATORS, DEMO_TOLL_OPERATOR].flatMap((operator) => [
      { username: `${operator.id.toLowerCase()}-supervisor`, role: 'supervisor' as const, operatorId: operator.id },
      { username: `${operator.id.toLowerCase()}-viewer`, role: 'viewer' as const, operatorId: operator.id },
    ]),
  ];
  const now = Date.now();
  for (const user of wanted) {
    const existing = await findStaffByUsername(knex, user.username);
    // This run's password, also for users an earlier run created.
    if (existing) await knex('staff_users').where({ id: existing.id }).update({ password_hash: await hashPassword(password, options.costLog2) });
    else await createStaffUser(knex, { ...user, password }, { id: uuidv7(), now, costLog2: options.costLog2 });
  }
  await knex('rider_logins').where({ email: DEMO_RIDER_EMAIL }).whereNot({ rider_id: riderId }).delete();
  await setRiderLogin(knex, riderId, DEMO_RIDER_EMAIL, password, { now, costLog2: options.costLog2 });
  return { password, staff: wanted, riderEmail: DEMO_RIDER_EMAIL };
}
