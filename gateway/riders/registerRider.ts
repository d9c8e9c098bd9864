import { z } from 'zod';
import { emailTaken, setRiderLogin } from '../access/riderLogins.js';
import { GatewayError } from '../errors.js';
import type { GatewayContext } from '../context.js';
import { inTransaction } from '../db/unitOfWork.js';
import { ensureAccount } from '../ledger/accounts.js';
import { walletAccountId, type Rider } from './riderRecords.js';

export const RegisterRiderRequest = z.object({
  name: z.string().trim().min(1).max(200),
  email: z.string().email().max(320).optional(),
  payLaterLimitMinor: z.number().int().nonnegative().max(1_000_000_00).optional(),
  /** With email: the rider can also log in to their pages on the web. */
  password: z.string().min(12, 'at least 12 characters').max(200).optional(),
}).refine((request) => request.password === undefined || request.email !== undefined, { message: 'a password needs an email to log in with', path: ['email'] });
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
  if (request.email && request.password && (await emailTaken(ctx.knex, request.email))) throw new GatewayError('EMAIL_TAKEN', `${request.email} already has an account: log in instead`);
  const passwordLogin = request.email && request.password ? { email: request.email, password: request.password } : undefined;
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
    if (passwordLogin) await setRiderLogin(trx, rider.id, passwordLogin.email, passwordLogin.password, { now: rider.createdAt, costLog2: ctx.config.passwordCostLog2 });
  });
  return { ...rider, accountId: walletAccountId(rider) };
}
