import type { Knex } from 'knex';
import { accountBalance } from '../ledger/accounts.js';
import { requireRider, tokensOfRider, walletAccountId } from '../riders/riderRecords.js';

/**
 * Who can owe. The cycle in arrearsCycle.ts is the same for every party; a party says where
 * repayments come from and what to deny at the gates and toll lanes. A driver is a rider with
 * vehicles, so the rider party serves both: its tokens are those of the rider's phones and
 * vehicles (riderRecords.tokensOfRider), and all of them are denied and released together.
 */
export interface ArrearsParty {
  kind: string;
  /** What the debtor can repay from now, never below zero. */
  repayableMinor(trx: Knex.Transaction, ownerId: string): Promise<number>;
  /** The tokens (or tags and plates) lanes must refuse while the debtor is deny-listed. */
  tokensOf(trx: Knex.Transaction, ownerId: string): Promise<string[]>;
  /** Mirror the deny-listed state on the owner's own record (riders.status). */
  markDenied(trx: Knex.Transaction, ownerId: string, denied: boolean): Promise<void>;
}

/** Riders repay from their wallet, down to their pay-later line. */
export const riderArrearsParty: ArrearsParty = {
  kind: 'rider',
  async repayableMinor(trx, riderId) {
    const rider = await requireRider(trx, riderId);
    return Math.max(0, (await accountBalance(trx, walletAccountId(rider))) + rider.payLaterLimitMinor);
  },
  tokensOf: tokensOfRider,
  async markDenied(trx, riderId, denied) {
    await trx('riders').where({ id: riderId }).whereNot({ status: denied ? 'in_arrears' : 'active' }).update({ status: denied ? 'in_arrears' : 'active' });
  },
};

const PARTIES: Record<string, ArrearsParty> = { rider: riderArrearsParty };

export function arrearsPartyOf(kind: string): ArrearsParty {
  const party = PARTIES[kind];
  if (!party) throw new Error(`no arrears party of kind ${kind}`);
  return party;
}
