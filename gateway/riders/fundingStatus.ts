import type { Knex } from 'knex';
import type { TrustChange } from '../../protocol/laneApi.js';
import { ARREARS_REASON, runArrearsCycle, type ArrearsTrigger } from '../arrears/arrearsCycle.js';
import type { GatewayContext } from '../context.js';

export { ARREARS_REASON };

/**
 * Bring a rider's arrears in line after money moved on their account (a charge, a top-up, a
 * refund). The immediate rule this replaced (deny the moment available funds fell below zero) is
 * now the arrears cycle of gateway/arrears/arrearsCycle.ts: a charge the rider cannot cover is
 * advanced to the operator, retried, deny-listed after arrearsGraceS and released on repayment.
 */
export async function settleFundingStatus(ctx: GatewayContext, trx: Knex.Transaction, nowMs: number, riderId: string, trigger: ArrearsTrigger = 'charge'): Promise<TrustChange[]> {
  return runArrearsCycle(ctx, trx, nowMs, 'rider', riderId, trigger);
}
