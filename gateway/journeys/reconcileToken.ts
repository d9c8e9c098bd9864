import type { Knex } from 'knex';
import type { TrustChange } from '../../protocol/laneApi.js';
import type { GatewayContext } from '../context.js';
import { lockForTransaction } from '../db/locks.js';
import { toNumber } from '../db/rows.js';
import type { NetworkCatalog } from '../network/networkCatalog.js';
import { RollupDelta } from '../reports/rollupDelta.js';
import { settleFundingStatus } from '../riders/fundingStatus.js';
import { riderIdOfToken } from '../riders/riderRecords.js';
import { saveCharged } from './chargeJourney.js';
import { journeyFromRow, type Journey } from './journeyRecords.js';
import { comparePassages } from './pairing.js';
import { deriveJourneys, passageLinks, planPricedSaves, planVoids, windowPassageFromRow, type PassageKey } from './reconcilePlan.js';
import { priceAmongRiderJourneys } from './riderPricing.js';

export interface ReconcileResult {
  /** Journeys whose row changed, with what was posted for them now. */
  changed: Array<{ journey: Journey; postedMinor: number }>;
  trustChanges: TrustChange[];
}

/**
 * Re-pair one token's passages from the last exit before `from` onwards and make the stored
 * journeys and the ledger agree with the result. Run inside the caller's transaction, under a
 * per-token lock (PostgreSQL advisory lock; SQLite has one writer), so it is idempotent and
 * replicas never pair the same token at once. The decisions are reconcilePlan.ts's; batchPairer.ts
 * makes the same ones for a whole batch of tokens at once.
 */
export async function reconcileToken(ctx: GatewayContext, trx: Knex.Transaction, catalog: NetworkCatalog, tokenId: string, from: PassageKey): Promise<ReconcileResult> {
  await lockForTransaction(trx, `token:${tokenId}`);
  const now = ctx.clock.now();
  const boundary = await lastExitBefore(trx, tokenId, from);
  const rows: Array<Record<string, unknown>> = await trx('passages')
    .where({ token_id: tokenId })
    .modify((query) => (boundary ? query.where('passed_at', '>=', boundary.passedAt) : query))
    .select('id', 'direction', 'station_id', 'mode', 'passed_at', 'received_at', 'fare_class', 'journey_id');
  const window = rows.map(windowPassageFromRow).filter((passage) => !boundary || comparePassages(passage, boundary) > 0);
  if (window.length === 0) return { changed: [], trustChanges: [] };

  const riderId = (await riderIdOfToken(trx, tokenId)) ?? null;
  // Caps and transfers read the rider's other journeys (other tokens too): one pricer per rider.
  if (riderId) await lockForTransaction(trx, `rider:${riderId}`);
  const { pairing, derived, referencedIds } = deriveJourneys(ctx.config, catalog, now, tokenId, riderId, window);
  const storedRows = await trx('journeys').whereIn('id', referencedIds).select();
  const stored = new Map(storedRows.map((row) => [String(row.id), journeyFromRow(row)]));

  const changed: ReconcileResult['changed'] = [];
  const rollups = new RollupDelta();
  const { voided, voidedIds, fromMs } = planVoids(derived, stored);
  for (const journey of voided) changed.push(await saveCharged(ctx, trx, now, journey, true, rollups));
  // Transfers and caps: priced among the rider's journeys in start order (riderPricing.ts).
  const pricing = Number.isFinite(fromMs) ? await priceAmongRiderJourneys(trx, catalog, { riderId, tokenId }, [...derived.values()], fromMs, voidedIds) : { fresh: [], others: [] };
  for (const { journey, exists } of planPricedSaves(stored, pricing)) changed.push(await saveCharged(ctx, trx, now, journey, exists, rollups));
  for (const link of passageLinks(window, pairing)) await trx('passages').where({ id: link.id }).update({ journey_id: link.journeyId });

  const trustChanges = riderId && changed.some((item) => item.postedMinor !== 0) ? await settleFundingStatus(ctx, trx, now, riderId) : [];
  await rollups.write(trx);
  return { changed, trustChanges };
}

async function lastExitBefore(trx: Knex.Transaction, tokenId: string, from: PassageKey): Promise<PassageKey | undefined> {
  const rows: Array<Record<string, unknown>> = await trx('passages')
    .where({ token_id: tokenId, direction: 'exit' })
    .where('passed_at', '<=', from.passedAt)
    .orderBy('passed_at', 'desc')
    .limit(16)
    .select('id', 'passed_at');
  return rows.map((row) => ({ id: String(row.id), passedAt: toNumber(row.passed_at) })).find((exit) => comparePassages(exit, from) < 0);
}



