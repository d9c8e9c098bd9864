import type { Knex } from 'knex';
import type { TrustChange } from '../../protocol/laneApi.js';
import type { GatewayContext } from '../context.js';
import { lockForTransaction } from '../db/locks.js';
import { toNumber } from '../db/rows.js';
import type { NetworkCatalog } from '../network/networkCatalog.js';
import { settleFundingStatus } from '../riders/fundingStatus.js';
import { riderIdOfToken } from '../riders/riderRecords.js';
import { chargeJourney } from './chargeJourney.js';
import { journeyFromRow, journeyIdFor, journeyToRow, type Journey } from './journeyRecords.js';
import { comparePassages, pairPassages, type PairedJourney, type PairingPassage } from './pairing.js';
import { priceJourney } from './pricing.js';
import { priceAmongRiderJourneys } from './riderPricing.js';

export interface ReconcileResult {
  /** Journeys whose row changed, with what was posted for them now. */
  changed: Array<{ journey: Journey; postedMinor: number }>;
  trustChanges: TrustChange[];
}

type PassageKey = Pick<PairingPassage, 'passedAt' | 'id'>;

function toPairing(row: Record<string, unknown>): PairingPassage & { journeyId: string | null } {
  return {
    id: String(row.id),
    direction: row.direction as PairingPassage['direction'],
    stationId: String(row.station_id),
    mode: String(row.mode),
    passedAt: toNumber(row.passed_at),
    receivedAt: toNumber(row.received_at),
    fareClass: toNumber(row.fare_class ?? 0),
    journeyId: (row.journey_id as string | null) ?? null,
  };
}

/**
 * Re-pair one token's passages from the last exit before `from` onwards and make the stored
 * journeys and the ledger agree with the result. Run inside the caller's transaction, under a
 * per-token lock (PostgreSQL advisory lock; SQLite has one writer), so it is idempotent and
 * replicas never pair the same token at once.
 */
export async function reconcileToken(ctx: GatewayContext, trx: Knex.Transaction, catalog: NetworkCatalog, tokenId: string, from: PassageKey): Promise<ReconcileResult> {
  await lockForTransaction(trx, `token:${tokenId}`);
  const now = ctx.clock.now();
  const boundary = await lastExitBefore(trx, tokenId, from);
  const rows: Array<Record<string, unknown>> = await trx('passages')
    .where({ token_id: tokenId })
    .modify((query) => (boundary ? query.where('passed_at', '>=', boundary.passedAt) : query))
    .select('id', 'direction', 'station_id', 'mode', 'passed_at', 'received_at', 'fare_class', 'journey_id');
  const window = rows.map(toPairing).filter((passage) => !boundary || comparePassages(passage, boundary) > 0);
  if (window.length === 0) return { changed: [], trustChanges: [] };

  const pairing = pairPassages(window, { nowMs: now, missingExitTimeoutMs: ctx.config.missingExitTimeoutS * 1000, unpairedExitHoldMs: ctx.config.unpairedExitHoldS * 1000 });
  const riderId = (await riderIdOfToken(trx, tokenId)) ?? null;
  // Caps and transfers read the rider's other journeys (other tokens too): one pricer per rider.
  if (riderId) await lockForTransaction(trx, `rider:${riderId}`);
  const derived = new Map(pairing.journeys.map((paired) => [journeyIdFor(paired.anchor.id), toJourney(paired, tokenId, riderId, catalog, ctx.config.currency)]));
  const referenced = new Set([...derived.keys(), ...window.flatMap((passage) => (passage.journeyId ? [passage.journeyId] : []))]);
  const storedRows = await trx('journeys').whereIn('id', [...referenced]).select();
  const stored = new Map(storedRows.map((row) => [String(row.id), journeyFromRow(row)]));

  const changed: ReconcileResult['changed'] = [];
  const voidedIds = new Set<string>();
  let fromMs = Math.min(...[...derived.values()].map((journey) => journey.startedAt));
  for (const [id, old] of stored) {
    if (derived.has(id)) continue;
    voidedIds.add(id);
    if (old.status === 'void') continue;
    fromMs = Math.min(fromMs, old.startedAt);
    // Superseded: a late passage paired this journey's passages differently.
    const voided: Journey = { ...old, status: 'void', fareMinor: 0, fareRule: `superseded by a re-pairing; was: ${old.fareRule}`, breakdown: null, revision: old.revision + 1 };
    changed.push(await save(ctx, trx, now, voided, true));
  }
  // Transfers and caps: priced among the rider's journeys in start order (riderPricing.ts).
  const pricing = Number.isFinite(fromMs) ? await priceAmongRiderJourneys(trx, catalog, { riderId, tokenId }, [...derived.values()], fromMs, voidedIds) : { fresh: [], others: [] };
  for (const journey of pricing.fresh) {
    const old = stored.get(journey.id);
    if (old && sameJourney(old, journey)) continue;
    const next: Journey = { ...journey, chargedMinor: old?.chargedMinor ?? 0, revision: old ? old.revision + 1 : 1 };
    changed.push(await save(ctx, trx, now, next, old !== undefined));
  }
  for (const journey of pricing.others) changed.push(await save(ctx, trx, now, { ...journey, revision: journey.revision + 1 }, true));
  await linkPassages(trx, window, pairing.journeys, pairing.waitingExits);

  const trustChanges = riderId && changed.some((item) => item.postedMinor !== 0) ? await settleFundingStatus(ctx, trx, now, riderId) : [];
  return { changed, trustChanges };
}

async function save(ctx: GatewayContext, trx: Knex.Transaction, now: number, journey: Journey, exists: boolean): Promise<{ journey: Journey; postedMinor: number }> {
  const postedMinor = await chargeJourney(ctx, trx, now, journey);
  const saved = { ...journey, chargedMinor: journey.chargedMinor + postedMinor };
  if (exists) await trx('journeys').where({ id: saved.id }).update(journeyToRow(saved, now));
  else await trx('journeys').insert(journeyToRow(saved, now));
  return { journey: saved, postedMinor };
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

async function linkPassages(trx: Knex.Transaction, window: Array<PairingPassage & { journeyId: string | null }>, journeys: PairedJourney[], waiting: PairingPassage[]): Promise<void> {
  const wanted = new Map<string, string | null>(waiting.map((passage) => [passage.id, null]));
  for (const paired of journeys) {
    const id = journeyIdFor(paired.anchor.id);
    for (const passage of [paired.entry, paired.exit]) if (passage) wanted.set(passage.id, id);
  }
  for (const passage of window) {
    const journeyId = wanted.get(passage.id) ?? null;
    if (passage.journeyId !== journeyId) await trx('passages').where({ id: passage.id }).update({ journey_id: journeyId });
  }
}

function toJourney(paired: PairedJourney, tokenId: string, riderId: string | null, catalog: NetworkCatalog, currency: string): Journey {
  const id = journeyIdFor(paired.anchor.id);
  const price = priceJourney(paired, id, catalog, currency);
  const first = paired.entry ?? paired.exit ?? paired.anchor;
  return {
    id,
    riderId,
    tokenId,
    mode: paired.anchor.mode,
    operatorId: price.operatorId,
    status: paired.status,
    entryStationId: paired.entry?.stationId ?? null,
    exitStationId: paired.exit?.stationId ?? null,
    startedAt: first.passedAt,
    endedAt: paired.exit?.passedAt ?? (paired.kind === 'single' ? first.passedAt : null),
    fareMinor: price.fareMinor,
    currency: price.currency,
    fareRule: price.fareRule,
    tariffVersion: price.tariffVersion,
    breakdown: price.breakdown,
    fareClass: first.fareClass ?? 0,
    entryPassageId: paired.entry?.id ?? null,
    exitPassageId: paired.exit?.id ?? null,
    chargedMinor: 0,
    revision: 1,
  };
}

function sameJourney(a: Journey, b: Journey): boolean {
  const keys: Array<keyof Journey> = ['status', 'riderId', 'operatorId', 'entryPassageId', 'exitPassageId', 'fareMinor', 'currency', 'fareRule', 'tariffVersion', 'startedAt', 'endedAt'];
  return keys.every((key) => a[key] === b[key]) && a.fareClass === b.fareClass && JSON.stringify(a.breakdown) === JSON.stringify(b.breakdown);
}
