import { z } from 'zod';
import type { GatewayContext } from '../context.js';
import { lockForTransaction } from '../db/locks.js';
import { inTransaction } from '../db/unitOfWork.js';
import { GatewayError, NotFoundError } from '../errors.js';
import { loadChargeLines } from '../receipts/chargeLines.js';
import { requireRider } from '../riders/riderRecords.js';
import { disputeFromRow, type Dispute } from './disputeRecords.js';

export const OpenDisputeRequest = z.object({ chargeId: z.string().min(1).max(64), reason: z.string().trim().min(1).max(1000) });
export type OpenDisputeRequest = z.infer<typeof OpenDisputeRequest>;

/**
 * A rider disputes one of their charges. The same request again (same charge, same reason)
 * returns the dispute it made (created false), whatever its state; one dispute per charge is
 * open at a time: another reason while it is open is DISPUTE_ALREADY_OPEN.
 */
export async function openDispute(ctx: GatewayContext, riderId: string, request: OpenDisputeRequest): Promise<{ dispute: Dispute; created: boolean }> {
  return inTransaction(ctx.knex, async ({ trx }) => {
    const rider = await requireRider(trx, riderId);
    await lockForTransaction(trx, `dispute:${request.chargeId}`);
    const [charge] = await loadChargeLines(trx, { riderId: rider.id, postingIds: [request.chargeId] });
    if (!charge || charge.amountMinor <= 0) throw new NotFoundError('CHARGE_NOT_FOUND', `charge ${request.chargeId} of rider ${rider.id}`);
    // The request is keyed by charge and reason: sent again (even after a decision), it returns the same dispute.
    const same = await trx('disputes').where({ posting_id: charge.postingId, reason: request.reason }).first();
    if (same) return { dispute: disputeFromRow(same), created: false };
    const open = await trx('disputes').where({ posting_id: charge.postingId, state: 'open' }).first();
    if (open) {
      throw new GatewayError('DISPUTE_ALREADY_OPEN', `charge ${charge.postingId} is already disputed (dispute ${open.id})`, { details: { disputeId: open.id } });
    }
    const row = {
      id: ctx.ids(),
      rider_id: rider.id,
      posting_id: charge.postingId,
      journey_id: charge.journeyId,
      operator_id: charge.operatorId,
      currency: charge.currency,
      reason: request.reason,
      state: 'open',
      opened_at: ctx.clock.now(),
    };
    await trx('disputes').insert(row);
    return { dispute: disputeFromRow(row), created: true };
  });
}
