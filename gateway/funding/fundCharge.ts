import type { Knex } from 'knex';
import { lockForTransaction } from '../db/locks.js';
import { accountBalance, ensureAccount } from '../ledger/accounts.js';
import { requireRider, walletAccountId, type Rider } from '../riders/riderRecords.js';
import { familySpentMinor, findFamilyLink, monthOf } from './familyPayer.js';
import type { FundingPart } from './fundingParts.js';

/**
 * Split a charge among its payers, in this order (design.md section 5, issue 4 item 2):
 * 1. the family payer, up to what is left of the member's monthly limit and the payer's wallet
 *    balance (a payer's own pay-later line is never used for someone else);
 * 2. the rider's wallet, down to minus their pay-later line;
 * 3. the advance account for the rest: the operator is always paid, the rider owes the rest.
 * The caller holds the rider's lock; the payer's is taken here (member first, then payer).
 */
export async function fundCharge(trx: Knex.Transaction, nowMs: number, rider: Rider, amountMinor: number): Promise<FundingPart[]> {
  const parts: FundingPart[] = [];
  let left = amountMinor;
  const link = await findFamilyLink(trx, rider.id);
  if (link) {
    await lockForTransaction(trx, `rider:${link.payerRiderId}`);
    const payer = await requireRider(trx, link.payerRiderId);
    const payerWallet = walletAccountId(payer);
    const roomMinor = link.monthlyLimitMinor - (await familySpentMinor(trx, link, monthOf(nowMs)));
    const familyMinor = Math.min(left, Math.max(0, Math.min(roomMinor, await accountBalance(trx, payerWallet))));
    if (familyMinor > 0) parts.push({ payer: 'family', riderId: payer.id, accountId: payerWallet, amountMinor: familyMinor });
    left -= familyMinor;
  }
  const wallet = walletAccountId(rider);
  const ownMinor = Math.min(left, Math.max(0, (await accountBalance(trx, wallet)) + rider.payLaterLimitMinor));
  if (ownMinor > 0) parts.push({ payer: 'wallet', riderId: rider.id, accountId: wallet, amountMinor: ownMinor });
  left -= ownMinor;
  if (left > 0) parts.push({ payer: 'advance', riderId: rider.id, accountId: await ensureAccount(trx, 'arrears_advance', rider.id, rider.currency), amountMinor: left });
  return parts;
}
