import type { Knex } from 'knex';
import type { GatewayContext } from '../context.js';
import { lockForTransaction } from '../db/locks.js';
import { postFunded } from '../funding/postFunded.js';
import { operatorHoldsForJourney } from '../ledger/netCharged.js';
import { BusinessSlots } from '../reports/businessSlots.js';
import { loadJourneyFacts, rollUpJourney } from '../reports/journeyRollup.js';
import type { RollupDelta } from '../reports/rollupDelta.js';
import { requireRider } from '../riders/riderRecords.js';
import { journeyToRow, type Journey } from './journeyRecords.js';

const CHARGEABLE = new Set(['complete', 'no_exit', 'no_entry']);

/** What the ledger should hold for a journey: its fare once priced, nothing while open or void. */
export function targetChargeMinor(journey: Journey): number {
  return journey.riderId && journey.operatorId && CHARGEABLE.has(journey.status) ? journey.fareMinor : 0;
}

/**
 * Bring the ledger in line with a journey: the first charge is `charge:<journeyId>`, any later
 * correction (a late passage re-paired it) is `adjust:<journeyId>:r<revision>` for the
 * difference. Operator revenue +amount against the payers gateway/funding/fundCharge.ts names
 * (family payer, wallet, advance): the operator is paid even when the rider cannot pay, and an
 * advance opens arrears (gateway/arrears). A correction that gives money back cancels debt first.
 * Returns the amount posted now.
 */
export async function chargeJourney(ctx: GatewayContext, trx: Knex.Transaction, nowMs: number, journey: Journey): Promise<number> {
  const deltaMinor = targetChargeMinor(journey) - journey.chargedMinor;
  if (deltaMinor === 0 || !journey.riderId || !journey.operatorId) return 0;
  await lockForTransaction(trx, `rider:${journey.riderId}`);
  const rider = await requireRider(trx, journey.riderId);
  // A refund granted on this journey already gave part of it back: a correction never returns it twice.
  const amountMinor = deltaMinor > 0 ? deltaMinor : -Math.min(-deltaMinor, Math.max(0, await operatorHoldsForJourney(trx, journey.id)));
  if (amountMinor === 0) return 0;
  const earlier = await trx('postings').where({ journey_id: journey.id }).whereIn('kind', ['charge', 'adjust']).first('id');
  const route = [journey.entryStationId, journey.exitStationId].filter(Boolean).join(' to ');
  await postFunded(ctx, trx, nowMs, {
    idempotencyKey: earlier ? `adjust:${journey.id}:r${journey.revision}` : `charge:${journey.id}`,
    kind: earlier ? 'adjust' : 'charge',
    rider,
    operatorId: journey.operatorId,
    journeyId: journey.id,
    amountMinor,
    description: `${earlier ? 'Correction' : journey.mode === 'toll' ? 'Toll trip' : 'Journey'} ${route} (${journey.status}): ${journey.fareRule}`,
    giveBackReason: 'CORRECTED',
  });
  return amountMinor;
}

/**
 * Charge (chargeJourney) and store a journey as pairing decided it: inserted when new, updated
 * when it exists. Its change to the report rollups is added to `rollups`, which the caller writes
 * last in the same transaction.
 */
export async function saveCharged(ctx: GatewayContext, trx: Knex.Transaction, now: number, journey: Journey, exists: boolean, rollups: RollupDelta): Promise<{ journey: Journey; postedMinor: number }> {
  const postedMinor = await chargeJourney(ctx, trx, now, journey);
  const saved = { ...journey, chargedMinor: journey.chargedMinor + postedMinor };
  const before = exists ? (await loadJourneyFacts(trx, [saved.id])).get(saved.id) : undefined;
  if (exists) await trx('journeys').where({ id: saved.id }).update(journeyToRow(saved, now));
  else await trx('journeys').insert(journeyToRow(saved, now));
  rollUpJourney(rollups, BusinessSlots.of(ctx.config), before, saved);
  return { journey: saved, postedMinor };
}
