import type { GatewayConfig } from '../config.js';
import { toNumber } from '../db/rows.js';
import type { NetworkCatalog } from '../network/networkCatalog.js';
import { journeyIdFor, type Journey } from './journeyRecords.js';
import { comparePassages, pairPassages, type PairedJourney, type Pairing, type PairingPassage } from './pairing.js';
import { priceJourney } from './pricing.js';
import type { RiderPricing } from './riderPricing.js';

/**
 * The pure steps of re-pairing one token (reconcileToken.ts runs them one query at a time,
 * batchPairer.ts over state loaded for a whole batch): the same decisions either way.
 */
export type WindowPassage = PairingPassage & { journeyId: string | null };
export type PassageKey = Pick<PairingPassage, 'passedAt' | 'id'>;

export function windowPassageFromRow(row: Record<string, unknown>): WindowPassage {
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

export interface DerivedJourneys {
  pairing: Pairing;
  derived: Map<string, Journey>;
  /** Journeys the window names: derived now, or linked to its passages before. */
  referencedIds: string[];
}

export function deriveJourneys(config: Pick<GatewayConfig, 'missingExitTimeoutS' | 'unpairedExitHoldS' | 'currency'>, catalog: NetworkCatalog, nowMs: number, tokenId: string, riderId: string | null, window: WindowPassage[]): DerivedJourneys {
  const pairing = pairPassages(window, { nowMs, missingExitTimeoutMs: config.missingExitTimeoutS * 1000, unpairedExitHoldMs: config.unpairedExitHoldS * 1000 });
  const derived = new Map(pairing.journeys.map((paired) => [journeyIdFor(paired.anchor.id), toJourney(paired, tokenId, riderId, catalog, config.currency)]));
  const referencedIds = [...new Set([...derived.keys(), ...window.flatMap((passage) => (passage.journeyId ? [passage.journeyId] : []))])];
  return { pairing, derived, referencedIds };
}

/** The window from the last exit before `from` (by passedAt, then id), among the token's passages from that exit's time on. */
export function windowAfterBoundary(passages: WindowPassage[], from: PassageKey): WindowPassage[] {
  let boundary: WindowPassage | undefined;
  for (const passage of passages) {
    if (passage.direction === 'exit' && comparePassages(passage, from) < 0 && (!boundary || comparePassages(passage, boundary) > 0)) boundary = passage;
  }
  return boundary ? passages.filter((passage) => comparePassages(passage, boundary) > 0) : passages;
}

export interface VoidPlan {
  voided: Journey[];
  voidedIds: Set<string>;
  /** Where re-pricing starts: the earliest start among derived and newly voided journeys (Infinity: none). */
  fromMs: number;
}

/** Stored journeys the new pairing no longer makes are void (superseded by a re-pairing). */
export function planVoids(derived: Map<string, Journey>, stored: Map<string, Journey>): VoidPlan {
  const voided: Journey[] = [];
  const voidedIds = new Set<string>();
  let fromMs = Math.min(...[...derived.values()].map((journey) => journey.startedAt));
  for (const [id, old] of stored) {
    if (derived.has(id)) continue;
    voidedIds.add(id);
    if (old.status === 'void') continue;
    fromMs = Math.min(fromMs, old.startedAt);
    voided.push({ ...old, status: 'void', fareMinor: 0, fareRule: `superseded by a re-pairing; was: ${old.fareRule}`, breakdown: null, revision: old.revision + 1 });
  }
  return { voided, voidedIds, fromMs };
}

/** What to save after pricing, in order: changed fresh journeys, then other journeys whose fare moved. */
export function planPricedSaves(stored: Map<string, Journey>, pricing: RiderPricing): Array<{ journey: Journey; exists: boolean }> {
  const saves: Array<{ journey: Journey; exists: boolean }> = [];
  for (const journey of pricing.fresh) {
    const old = stored.get(journey.id);
    if (old && sameJourney(old, journey)) continue;
    saves.push({ journey: { ...journey, chargedMinor: old?.chargedMinor ?? 0, revision: old ? old.revision + 1 : 1 }, exists: old !== undefined });
  }
  for (const journey of pricing.others) saves.push({ journey: { ...journey, revision: journey.revision + 1 }, exists: true });
  return saves;
}

/** Passages whose journey link must change: paired ones to their journey, waiting exits and the rest to none. */
export function passageLinks(window: WindowPassage[], pairing: Pairing): Array<{ id: string; journeyId: string | null }> {
  const wanted = new Map<string, string | null>(pairing.waitingExits.map((passage) => [passage.id, null]));
  for (const paired of pairing.journeys) {
    const id = journeyIdFor(paired.anchor.id);
    for (const passage of [paired.entry, paired.exit]) if (passage) wanted.set(passage.id, id);
  }
  const links: Array<{ id: string; journeyId: string | null }> = [];
  for (const passage of window) {
    const journeyId = wanted.get(passage.id) ?? null;
    if (passage.journeyId !== journeyId) links.push({ id: passage.id, journeyId });
  }
  return links;
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
