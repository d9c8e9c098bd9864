import type { Knex } from 'knex';
import type { NetworkCatalog } from '../network/networkCatalog.js';
import { fareSentence } from '../tariffs/fareBreakdown.js';
import { compareLegs, type FareLeg, type PricedLeg } from '../tariffs/fareLeg.js';
import { applyHistory, pricedLegOf } from '../tariffs/priceLeg.js';
import { journeyFromRow, type Journey } from './journeyRecords.js';

const DAY_MS = 86_400_000;
/**
 * How far a journey's price can reach: a weekly cap spans 7 days, a transfer window at most one
 * day (tariffData.ts), so a change at time t can only re-price journeys started in [t, t + 8 d),
 * and only journeys started in (t - 8 d, t) can count towards a journey at t.
 */
export const PRICING_REACH_MS = 8 * DAY_MS;

const CHARGEABLE = new Set(['complete', 'no_exit', 'no_entry']);

export function fareLegOfJourney(journey: Journey): FareLeg {
  return {
    id: journey.id,
    operatorId: journey.operatorId ?? '',
    mode: journey.mode,
    kind: journey.status === 'complete' && journey.exitPassageId === null ? 'single' : 'trip',
    status: journey.status as FareLeg['status'],
    entryStationId: journey.entryStationId ?? undefined,
    exitStationId: journey.exitStationId ?? undefined,
    startedAt: journey.startedAt,
    fareClass: journey.fareClass,
  };
}

export interface RiderPricing {
  /** The given journeys, with transfers and caps applied. */
  fresh: Journey[];
  /** Other stored journeys of the rider whose fare changed because of the given ones. */
  others: Journey[];
}

/**
 * Apply transfers and caps to freshly paired journeys among the rider's other journeys (or the
 * token's, for a token with no rider), read in the caller's transaction.
 *
 * Re-pricing rule: a journey's fare depends only on the rider's journeys that STARTED before it
 * (by start time, then id), folded in that order. So the fares are a function of the set of
 * journeys, never of the order passages arrived in: when a late passage adds, changes or voids
 * a journey starting at t, every journey of the rider from t onwards (within PRICING_REACH_MS) is
 * priced again in start order, and the ledger is corrected by the difference. Replaying the same
 * passages changes nothing. Earlier journeys keep their fares.
 */
export async function priceAmongRiderJourneys(trx: Knex.Transaction, catalog: NetworkCatalog, owner: { riderId: string | null; tokenId: string }, fresh: Journey[], fromMs: number, excludedIds: ReadonlySet<string>): Promise<RiderPricing> {
  const rows: Array<Record<string, unknown>> = await trx('journeys')
    .where(owner.riderId ? { rider_id: owner.riderId } : { token_id: owner.tokenId })
    .where('started_at', '>', fromMs - PRICING_REACH_MS)
    .where('started_at', '<', fromMs + PRICING_REACH_MS)
    .whereNot('status', 'void')
    // Toll trips take no part in transfers and caps of transit fares (gateway/tolls prices them).
    .whereNot('mode', 'toll')
    .select();
  return priceAmongJourneys(rows.map(journeyFromRow), catalog, fresh, fromMs, excludedIds);
}

/**
 * The pure half of priceAmongRiderJourneys: `stored` holds (at least) the owner's journeys that
 * are not void and started within PRICING_REACH_MS of fromMs; others are ignored.
 */
export function priceAmongJourneys(stored: readonly Journey[], catalog: NetworkCatalog, fresh: Journey[], fromMs: number, excludedIds: ReadonlySet<string>): RiderPricing {
  const freshIds = new Set(fresh.map((journey) => journey.id));
  const reach = (journey: Journey) => journey.status !== 'void' && journey.startedAt > fromMs - PRICING_REACH_MS && journey.startedAt < fromMs + PRICING_REACH_MS;
  const others = stored.filter((journey) => reach(journey) && !freshIds.has(journey.id) && !excludedIds.has(journey.id));
  const all = [...others, ...fresh].sort(compareLegs);

  const history: PricedLeg[] = [];
  const result: RiderPricing = { fresh: [], others: [] };
  for (const journey of all) {
    const isFresh = freshIds.has(journey.id);
    const next = CHARGEABLE.has(journey.status) && journey.startedAt >= fromMs ? reprice(journey, catalog, history) : journey;
    if (CHARGEABLE.has(next.status) && next.operatorId) history.push(pricedLegOf(fareLegOfJourney(next), next.breakdown ?? legacyBreakdown(next)));
    if (isFresh) result.fresh.push(next);
    else if (next !== journey && (next.fareMinor !== journey.fareMinor || next.fareRule !== journey.fareRule || JSON.stringify(next.breakdown) !== JSON.stringify(journey.breakdown))) result.others.push(next);
  }
  return result;
}

function reprice(journey: Journey, catalog: NetworkCatalog, history: readonly PricedLeg[]): Journey {
  const list = journey.breakdown;
  // Journeys priced before the engine have no breakdown: their fare stays as charged.
  const tariff = list && catalog.tariffs.find((candidate) => candidate.operatorId === list.operatorId && candidate.version === list.tariffVersion);
  if (!list || !tariff) return journey;
  const breakdown = applyHistory(list, fareLegOfJourney(journey), tariff, history);
  return { ...journey, fareMinor: breakdown.fareMinor, fareRule: fareSentence(breakdown), breakdown };
}

function legacyBreakdown(journey: Journey) {
  return { operatorId: journey.operatorId ?? '', tariffVersion: journey.tariffVersion ?? 0, currency: journey.currency, fareClass: journey.fareClass, lines: [], listMinor: journey.fareMinor, fareMinor: journey.fareMinor };
}
