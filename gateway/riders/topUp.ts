import { z } from 'zod';
import { publishAfterCommit, type GatewayContext } from '../context.js';
import { inTransaction } from '../db/unitOfWork.js';
import { ensureAccount } from '../ledger/accounts.js';
import { post } from '../ledger/ledger.js';
import { settleFundingStatus } from './fundingStatus.js';
import { requireRider, riderFunds, walletAccountId } from './riderRecords.js';

export const TopUpRequest = z.object({
  amountMinor: z.number().int().positive().max(1_000_000_00),
  /** The payment provider's reference: the same reference twice is one top-up. */
  reference: z.string().trim().min(1).max(128),
});
export type TopUpRequest = z.infer<typeof TopUpRequest>;

/** Money in from outside (a card payment): external funding -amount, wallet +amount. */
export async function topUp(ctx: GatewayContext, riderId: string, request: TopUpRequest): Promise<{ balanceMinor: number; created: boolean }> {
  return inTransaction(ctx.knex, async (unit) => {
    const { trx } = unit;
    const now = ctx.clock.now();
    const rider = await requireRider(trx, riderId);
    const funding = await ensureAccount(trx, 'external_funding', 'payments', rider.currency);
    const posting = await post(trx, ctx.ids, now, {
      idempotencyKey: `topup:${rider.id}:${request.reference}`,
      kind: 'topup',
      currency: rider.currency,
      riderId: rider.id,
      description: `Top-up ${request.reference}`,
      entries: [
        { accountId: funding, amountMinor: -request.amountMinor },
        { accountId: walletAccountId(rider), amountMinor: request.amountMinor },
      ],
    });
    // New money retries the rider's arrears at once; a replayed top-up is no new money and changes nothing.
    if (posting.created) publishAfterCommit(ctx, unit, await settleFundingStatus(ctx, trx, now, rider.id, 'topup'));
    const { balanceMinor } = await riderFunds(trx, rider);
    return { balanceMinor, created: posting.created };
  });
}
