import type { Knex } from 'knex';
import type { StaffRole } from '../../gateway/access/principal.js';
import { startSession } from '../../gateway/access/sessions.js';
import { createStaffUser } from '../../gateway/access/staffUsers.js';
import { uuidv7 } from '../../protocol/ids.js';

/** Long enough that no test's clock reaches the end of its session. */
const TEST_SESSION_TTL_S = 10 * 365 * 86_400;
let staffCount = 0;

export interface TestStaff {
  userId: string;
  username: string;
  password: string;
  token: string;
}

/** A staff user (of one operator, or the network's own with operatorId null) and a session of theirs. */
export async function staffSession(knex: Knex, options: { role?: StaffRole; operatorId?: string | null; now?: number; username?: string } = {}): Promise<TestStaff> {
  staffCount += 1;
  const username = options.username ?? `staff-${process.pid}-${staffCount}-${uuidv7().slice(-6)}`;
  const password = `pw-${uuidv7()}`;
  const now = options.now ?? Date.now();
  const user = await createStaffUser(knex, { username, password, role: options.role ?? 'admin', operatorId: options.operatorId ?? null }, { id: uuidv7(), now, costLog2: 10 });
  const session = await startSession(knex, { kind: 'staff', id: user.id }, { now, ttlS: TEST_SESSION_TTL_S });
  return { userId: user.id, username: user.username, password, token: session.token };
}

/** A session of a rider, as their app holds after sign-up. */
export async function riderSession(knex: Knex, riderId: string, now = Date.now()): Promise<string> {
  return (await startSession(knex, { kind: 'rider', id: riderId }, { now, ttlS: TEST_SESSION_TTL_S })).token;
}
