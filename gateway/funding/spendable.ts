import type { Knex } from 'knex';
import { accountBalance } from '../ledger/accounts.js';
import { requireRider, walletAccountId, type Rider } from '../riders/riderRecords.js';
import { familySpentMinor, findFamilyLink, monthOf } from './familyPayer.js';

/**
 * What charges can take from a rider without an advance: wallet down to minus the pay-later
 * line, plus what the family payer still covers this month (never more than the payer's wallet
 * holds). Credentials carry it, clamped, as the offline limit a gate checks.
 */
export async function spendableMinor(db: Knex | Knex.Transaction, rider: Rider, nowMs: number): Promise<number> {
  const own = Math.max(0, (await accountBalance(db, walletAccountId(rider))) + rider.payLaterLimitMinor);
  const link = await findFamilyLink(db, rider.id);
  if (!link) return own;
  const payer = await requireRider(db, link.payerRiderId);
  const room = link.monthlyLimitMinor - (await familySpentMinor(db, link, monthOf(nowMs)));
  return own + Math.max(0, Math.min(room, await accountBalance(db, walletAccountId(payer))));
}
