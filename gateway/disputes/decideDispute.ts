import { z } from 'zod';
import { runArrearsCycle } from '../arrears/arrearsCycle.js';
import { publishAfterCommit, type GatewayContext } from '../context.js';
import { lockForTransaction } from '../db/locks.js';
import { inTransaction } from '../db/unitOfWork.js';
import { GatewayError } from '../errors.js';
import { postFunded } from '../funding/postFunded.js';
import { loadChargeLines } from '../receipts/chargeLines.js';
import { recordJourneyRefund } from '../reports/journeyRefund.js';
import { requireRider } from '../riders/riderRecords.js';
import { refundableMinor, requireDispute, type Dispute } from './disputeRecords.js';

export const DecideDisputeRequest = z.union([
  z.object({ decision: z.literal('grant'), amountMinor: z.number().int().positive().max(1_000_000_00).optional(), note: z.string().max(1000).optional() }),
  z.object({ decision: z.literal('reject'), note: z.string().trim().min(1).max(1000) }),
]);
export type DecideDisputeRequest = z.infer<typeof DecideDisputeRequest>;

/**
 * Operator side: grant (in full, or partly with amountMinor) or reject a dispute. A grant is a
 * reversing posting `refund:<disputeId>` (operator revenue -x, back to whoever paid: what is still
 * owed is cancelled first, then the family payer, then the wallet; gateway/funding/fundGiveBack.ts),
 * never an edit of the charge. Deciding again the same way returns the decision; otherwise
 * DISPUTE_ALREADY_DECIDED.
 */
export async function decideDispute(ctx: GatewayContext, disputeId: string, request: DecideDisputeRequest): Promise<Dispute> {
  return inTransaction(ctx.knex, async (unit) => {
    const { trx } = unit;
    const now = ctx.clock.now();
    const before = await requireDispute(trx, disputeId);
    await lockForTransaction(trx, `rider:${before.riderId}`);
    await lockForTransaction(trx, `dispute:${before.chargeId}`);
    const dispute = await requireDispute(trx, disputeId);
    if (dispute.state !== 'open') {
      const same = (dispute.state === 'granted' && request.decision === 'grant' && (request.amountMinor === undefined || request.amountMinor === dispute.grantedMinor)) || (dispute.state === 'rejected' && request.decision === 'reject');
      if (same) return dispute;
      throw new GatewayError('DISPUTE_ALREADY_DECIDED', `dispute ${dispute.id} was already ${dispute.state}`, { details: { state: dispute.state, grantedMinor: dispute.grantedMinor } });
    }
    if (request.decision === 'reject') {
      await trx('disputes').where({ id: dispute.id }).update({ state: 'rejected', decision_note: request.note, decided_at: now });
      return requireDispute(trx, dispute.id);
    }
    const [charge] = await loadChargeLines(trx, { postingIds: [dispute.chargeId] });
    const refundable = await refundableMinor(trx, charge);
    const amountMinor = request.amountMinor ?? refundable;
    if (amountMinor <= 0 || amountMinor > refundable) {
      throw new GatewayError('REFUND_EXCEEDS_CHARGE', `at most ${refundable} can be refunded on charge ${charge.postingId}, asked ${amountMinor}`, { details: { refundableMinor: refundable } });
    }
    const rider = await requireRider(trx, dispute.riderId);
    const { posting } = await postFunded(ctx, trx, now, {
      idempotencyKey: `refund:${dispute.id}`,
      kind: 'refund',
      rider,
      operatorId: charge.operatorId,
      journeyId: charge.journeyId ?? charge.postingId,
      amountMinor: -amountMinor,
      description: `Refund for dispute ${dispute.id} of charge ${charge.postingId}`,
      giveBackReason: 'REFUNDED',
    });
    await trx('disputes').where({ id: dispute.id }).update({ state: 'granted', granted_minor: amountMinor, decision_note: request.note ?? null, refund_posting_id: posting.id, decided_at: now });
    publishAfterCommit(ctx, unit, await runArrearsCycle(ctx, trx, now, 'rider', rider.id, 'refund'));
    const granted = await requireDispute(trx, dispute.id);
    if (charge.journeyId) await recordJourneyRefund(ctx, trx, charge.journeyId, amountMinor);
    return granted;
  });
}
