import type { Knex } from 'knex';
import { z } from 'zod';
import type { GatewayContext } from '../context.js';
import { inTransaction } from '../db/unitOfWork.js';
import { toNumber } from '../db/rows.js';
import { GatewayError, NotFoundError } from '../errors.js';
import { requireRider } from '../riders/riderRecords.js';

export const FamilyPayerRequest = z.object({
  payerRiderId: z.string().min(1).max(64),
  monthlyLimitMinor: z.number().int().positive().max(1_000_000_00),
});
export type FamilyPayerRequest = z.infer<typeof FamilyPayerRequest>;

export interface FamilyLink {
  memberRiderId: string;
  payerRiderId: string;
  monthlyLimitMinor: number;
  createdAt: number;
}

type Db = Knex | Knex.Transaction;

/** The calendar month (UTC) a family payer's limit counts against. */
export function monthOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}

export async function findFamilyLink(db: Db, memberRiderId: string): Promise<FamilyLink | undefined> {
  const row = await db('family_links').where({ member_rider_id: memberRiderId }).first();
  return row ? { memberRiderId: row.member_rider_id, payerRiderId: row.payer_rider_id, monthlyLimitMinor: toNumber(row.monthly_limit_minor), createdAt: toNumber(row.created_at) } : undefined;
}

/** What the payer has paid for this member in a month, net of refunds (from the notices). */
export async function familySpentMinor(db: Db, link: FamilyLink, month: string): Promise<number> {
  const row = await db('payer_notices').where({ member_rider_id: link.memberRiderId, payer_rider_id: link.payerRiderId, month }).sum({ total: 'amount_minor' }).first();
  return toNumber(row?.total ?? 0);
}

/**
 * Link a payer to a member. One level only: a payer has no payer and pays for nobody's payer,
 * so locks are always taken member first, then payer, and never form a cycle.
 */
export async function linkFamilyPayer(ctx: GatewayContext, memberRiderId: string, request: FamilyPayerRequest): Promise<FamilyLink> {
  return inTransaction(ctx.knex, async ({ trx }) => {
    const member = await requireRider(trx, memberRiderId);
    const payer = await requireRider(trx, request.payerRiderId);
    if (member.id === payer.id) throw new GatewayError('FAMILY_LINK_INVALID', 'a rider cannot be their own family payer');
    if (member.currency !== payer.currency) throw new GatewayError('FAMILY_LINK_INVALID', `payer pays in ${payer.currency}, member travels in ${member.currency}`);
    if (await findFamilyLink(trx, payer.id)) throw new GatewayError('FAMILY_LINK_INVALID', `rider ${payer.id} has a family payer and cannot be one`);
    if (await trx('family_links').where({ payer_rider_id: member.id }).first('member_rider_id')) {
      throw new GatewayError('FAMILY_LINK_INVALID', `rider ${member.id} pays for others and cannot have a family payer`);
    }
    const link: FamilyLink = { memberRiderId: member.id, payerRiderId: payer.id, monthlyLimitMinor: request.monthlyLimitMinor, createdAt: ctx.clock.now() };
    await trx('family_links')
      .insert({ member_rider_id: link.memberRiderId, payer_rider_id: link.payerRiderId, monthly_limit_minor: link.monthlyLimitMinor, created_at: link.createdAt })
      .onConflict('member_rider_id')
      .merge();
    return link;
  });
}

/** The members a rider pays for, oldest link first. */
export async function membersPaidBy(db: Db, payerRiderId: string): Promise<FamilyLink[]> {
  const rows = await db('family_links').where({ payer_rider_id: payerRiderId }).orderBy([{ column: 'created_at' }, { column: 'member_rider_id' }]);
  return rows.map((row) => ({ memberRiderId: row.member_rider_id, payerRiderId: row.payer_rider_id, monthlyLimitMinor: toNumber(row.monthly_limit_minor), createdAt: toNumber(row.created_at) }));
}

/** The payer's side of unlinking: a payer stops paying for one of their members. */
export async function stopPayingFor(ctx: GatewayContext, payerRiderId: string, memberRiderId: string): Promise<void> {
  const removed = await ctx.knex('family_links').where({ member_rider_id: memberRiderId, payer_rider_id: payerRiderId }).delete();
  if (!removed) throw new NotFoundError('RIDER_NOT_FOUND', `family member ${memberRiderId} of payer ${payerRiderId}`);
}

export async function unlinkFamilyPayer(ctx: GatewayContext, memberRiderId: string): Promise<void> {
  const removed = await ctx.knex('family_links').where({ member_rider_id: memberRiderId }).delete();
  if (!removed) throw new NotFoundError('RIDER_NOT_FOUND', `family payer of rider ${memberRiderId}`);
}
