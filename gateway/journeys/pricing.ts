import type { NetworkCatalog } from '../network/networkCatalog.js';
import { fareSentence, type FareBreakdown } from '../tariffs/fareBreakdown.js';
import type { FareLeg } from '../tariffs/fareLeg.js';
import { listPrice } from '../tariffs/priceLeg.js';
import { tariffInForce } from '../tariffs/tariff.js';
import type { PairedJourney } from './pairing.js';

export interface JourneyPrice {
  operatorId: string | null;
  fareMinor: number;
  currency: string;
  /** In words, how the fare was found: shown to riders and operators. */
  fareRule: string;
  tariffVersion: number | null;
  /** Line by line (gateway/tariffs/fareBreakdown.ts); null when not priced (open, unknown station, no tariff). */
  breakdown: FareBreakdown | null;
}

const INCOMPLETE_REASON: Record<string, string> = {
  next_entry: 'no exit recorded before the next entry',
  timeout: 'no exit recorded before the timeout',
  no_entry: 'no entry recorded',
};

/** A paired journey as the tariff engine sees it. */
export function fareLegOf(journey: PairedJourney, id: string, operatorId: string): FareLeg {
  const first = journey.entry ?? journey.exit ?? journey.anchor;
  return {
    id,
    operatorId,
    mode: journey.anchor.mode,
    kind: journey.kind,
    status: journey.status === 'open' ? 'no_exit' : journey.status,
    entryStationId: journey.entry?.stationId,
    exitStationId: journey.exit?.stationId,
    startedAt: first.passedAt,
    fareClass: first.fareClass ?? 0,
    incompleteReason: journey.kind === 'single' ? 'single validation' : journey.missing ? INCOMPLETE_REASON[journey.missing] : undefined,
  };
}

/**
 * The list price of a paired journey by the tariff in force when it began (design.md section
 * 7): base, time of day and concession. Transfers and caps depend on the rider's other journeys
 * and are applied by riderPricing.ts.
 */
export function priceJourney(journey: PairedJourney, id: string, catalog: NetworkCatalog, fallbackCurrency: string): JourneyPrice {
  const known = journey.entry ?? journey.exit ?? journey.anchor;
  const site = catalog.sitesById.get(known.stationId);
  const unpriced = (operatorId: string | null, fareRule: string, currency = fallbackCurrency, tariffVersion: number | null = null): JourneyPrice => ({ operatorId, fareMinor: 0, currency, fareRule, tariffVersion, breakdown: null });
  if (!site) return unpriced(null, `station ${known.stationId} is not in the network: not priced`);
  const tariff = tariffInForce(catalog.tariffs, site.operatorId, known.passedAt);
  if (!tariff) return unpriced(site.operatorId, `operator ${site.operatorId} has no tariff: not priced`);
  const name = (stationId: string | undefined) => (stationId ? (catalog.sitesById.get(stationId)?.name ?? stationId) : '?');
  if (journey.status === 'open') {
    return unpriced(site.operatorId, `open: entered at ${name(journey.entry?.stationId)}, waiting for the exit (tariff ${tariff.operatorId} v${tariff.version})`, tariff.currency, tariff.version);
  }
  const breakdown = listPrice(fareLegOf(journey, id, site.operatorId), tariff, name);
  return { operatorId: site.operatorId, fareMinor: breakdown.fareMinor, currency: tariff.currency, fareRule: fareSentence(breakdown), tariffVersion: tariff.version, breakdown };
}
