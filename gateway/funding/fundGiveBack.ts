import type { Knex } from 'knex';
import { accountId } from '../ledger/accounts.js';
import { walletAccountId, type Rider } from '../riders/riderRecords.js';
import type { FundingPart } from './fundingParts.js';

/** Net paid per account for a journey, from its postings (charges, corrections, refunds, repayments). */
async function netPaidByAccount(trx: Knex.Transaction, journeyId: string): Promise<Map<string, number>> {
  const rows: Array<Record<string, unknown>> = await trx('ledger_entries')
    .join('postings', 'postings.id', 'ledger_entries.posting_id')
    .where('postings.journey_id', journeyId)
    .groupBy('ledger_entries.account_id')
    .select('ledger_entries.account_id')
    .sum({ total: 'ledger_entries.amount_minor' });
  return new Map(rows.map((row) => [String(row.account_id), -Number(row.total ?? 0)]));
}

/**
 * Split money given back on a journey (a correction to a lower fare, a granted dispute):
 * 1. what is still owed for it is cancelled (advance), since the rider never paid it;
 * 2. the family payer gets back up to what they paid for it;
 * 3. the rider's wallet gets the rest.
 * The amount never exceeds what the operator holds for the journey, so the parts cover it.
 */
export async function fundGiveBack(trx: Knex.Transaction, rider: Rider, journeyId: string, amountMinor: number): Promise<FundingPart[]> {
  const paid = await netPaidByAccount(trx, journeyId);
  const parts: FundingPart[] = [];
  let left = amountMinor;
  const advance = accountId('arrears_advance', rider.id, rider.currency);
  const owedMinor = Math.min(left, Math.max(0, paid.get(advance) ?? 0));
  if (owedMinor > 0) parts.push({ payer: 'advance', riderId: rider.id, accountId: advance, amountMinor: owedMinor });
  left -= owedMinor;
  const wallet = walletAccountId(rider);
  for (const [account, paidMinor] of paid) {
    if (left <= 0 || !account.startsWith('rider_wallet:') || account === wallet || paidMinor <= 0) continue;
    const back = Math.min(left, paidMinor);
    parts.push({ payer: 'family', riderId: account.split(':')[1], accountId: account, amountMinor: back });
    left -= back;
  }
  if (left > 0) parts.push({ payer: 'wallet', riderId: rider.id, accountId: wallet, amountMinor: left });
  return parts;
}
