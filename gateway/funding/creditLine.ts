import { z } from 'zod';
import type { GatewayConfig } from '../config.js';
import type { GatewayContext } from '../context.js';
import { lockForTransaction } from '../db/locks.js';
import { inTransaction } from '../db/unitOfWork.js';
import { toNullableNumber } from '../db/rows.js';
import { requireRider, riderFunds, type Rider } from '../riders/riderRecords.js';

export const CreditScoreRequest = z.object({ score: z.number().int().min(0).max(1000) });
export type CreditScoreRequest = z.infer<typeof CreditScoreRequest>;

export interface CreditLine {
  riderId: string;
  currency: string;
  /** Null until an operator sets one: the line is then the registration default. */
  creditScore: number | null;
  /** False below payLaterMinScore: the rider travels on wallet funds only. */
  eligible: boolean;
  payLaterLimitMinor: number;
  /** How much of the line the wallet is using now (a balance below zero). */
  usedMinor: number;
  balanceMinor: number;
  /** Balance plus line: what charges may take from the rider's own funds. */
  availableMinor: number;
}

/** "600:1000,700:2000" as ascending steps. */
export function parseScoreLimits(text: string): Array<{ minScore: number; limitMinor: number }> {
  return text
    .split(',')
    .map((step) => step.split(':').map(Number))
    .map(([minScore, limitMinor]) => ({ minScore, limitMinor }))
    .sort((a, b) => a.minScore - b.minScore);
}

/** The pay-later line a score earns: none below payLaterMinScore, else the highest step at or below it. */
export function payLaterLimitForScore(config: Pick<GatewayConfig, 'payLaterScoreLimits' | 'payLaterMinScore'>, score: number): number {
  if (score < config.payLaterMinScore) return 0;
  const steps = parseScoreLimits(config.payLaterScoreLimits).filter((step) => step.minScore <= score);
  return steps.length ? steps[steps.length - 1].limitMinor : 0;
}

export async function creditLineOf(db: Parameters<typeof riderFunds>[0], rider: Rider, minScore: number): Promise<CreditLine> {
  const row = await db('riders').where({ id: rider.id }).first('credit_score');
  const creditScore = toNullableNumber(row?.credit_score);
  const funds = await riderFunds(db, rider);
  return {
    riderId: rider.id,
    currency: rider.currency,
    creditScore,
    eligible: creditScore === null ? rider.payLaterLimitMinor > 0 : creditScore >= minScore,
    payLaterLimitMinor: rider.payLaterLimitMinor,
    usedMinor: Math.max(0, -funds.balanceMinor),
    balanceMinor: funds.balanceMinor,
    availableMinor: funds.availableMinor,
  };
}

/**
 * Operator side: record a rider's credit score and size their pay-later line from it. A line
 * that shrinks below what is already used is not a charge: the wallet stays where it is and the
 * next charges that it cannot cover are advanced (gateway/arrears).
 */
export async function setCreditScore(ctx: GatewayContext, riderId: string, request: CreditScoreRequest): Promise<CreditLine> {
  return inTransaction(ctx.knex, async ({ trx }) => {
    await lockForTransaction(trx, `rider:${riderId}`);
    const rider = await requireRider(trx, riderId);
    const payLaterLimitMinor = payLaterLimitForScore(ctx.config, request.score);
    await trx('riders').where({ id: rider.id }).update({ credit_score: request.score, credit_scored_at: ctx.clock.now(), pay_later_limit_minor: payLaterLimitMinor });
    return creditLineOf(trx, { ...rider, payLaterLimitMinor }, ctx.config.payLaterMinScore);
  });
}
