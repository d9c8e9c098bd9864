import { z } from 'zod';
import type { GatewayContext } from '../context.js';
import { inTransaction } from '../db/unitOfWork.js';
import { ensureAccount } from '../ledger/accounts.js';
import { walletAccountId, type Rider } from './riderRecords.js';

export const RegisterRiderRequest = z.object({
  name: z.string().trim().min(1).max(200),
  email: z.string().email().max(320).optional(),
  payLaterLimitMinor: z.number().int().nonnegative().max(1_000_000_00).optional(),
});
export type RegisterRiderRequest = z.infer<typeof RegisterRiderRequest>;

/** A new rider with an empty wallet and the default pay-later line. */
export async function registerRider(ctx: GatewayContext, request: RegisterRiderRequest): Promise<Rider & { accountId: string }> {
  const rider: Rider = {
    id: ctx.ids(),
    name: request.name,
    email: request.email ?? null,
    status: 'active',
    currency: ctx.config.currency,
    payLaterLimitMinor: request.payLaterLimitMinor ?? ctx.config.defaultPayLaterLimitMinor,
    fareClass: 0,
    createdAt: ctx.clock.now(),
  };
  await inTransaction(ctx.knex, async ({ trx }) => {
    await trx('riders').insert({
      id: rider.id,
      name: rider.name,
      email: rider.email,
      status: rider.status,
      currency: rider.currency,
      pay_later_limit_minor: rider.payLaterLimitMinor,
      fare_class: rider.fareClass,
      created_at: rider.createdAt,
    });
    await ensureAccount(trx, 'rider_wallet', rider.id, rider.currency);
  });
  return { ...rider, accountId: walletAccountId(rider) };
}
