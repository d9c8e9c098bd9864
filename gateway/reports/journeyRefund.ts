import type { Knex } from 'knex';
import type { GatewayContext } from '../context.js';
import { BusinessSlots } from './businessSlots.js';
import { addJourneyFacts, loadJourneyFacts } from './journeyRollup.js';
import { RollupDelta } from './rollupDelta.js';

/**
 * A refund granted on a journey (gateway/disputes): kept on the journey's row (refunded_minor) and
 * added to its revenue rollups, in the granting transaction. Call it last in that transaction
 * (RollupDelta.write). A charge with no journey row leaves the rollups as they are.
 */
export async function recordJourneyRefund(ctx: GatewayContext, trx: Knex.Transaction, journeyId: string, amountMinor: number): Promise<void> {
  const before = (await loadJourneyFacts(trx, [journeyId])).get(journeyId);
  if (!before) return;
  await trx('journeys').where({ id: journeyId }).update({ refunded_minor: before.refundedMinor + amountMinor });
  const rollups = new RollupDelta();
  const slots = BusinessSlots.of(ctx.config);
  addJourneyFacts(rollups, slots, before, -1);
  addJourneyFacts(rollups, slots, { ...before, refundedMinor: before.refundedMinor + amountMinor }, 1);
  await rollups.write(trx);
}
