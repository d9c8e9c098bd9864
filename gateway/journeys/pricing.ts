import type { NetworkCatalog } from '../network/networkCatalog.js';
import { maxFareFrom, maxFareTo, tariffInForce } from '../network/tariff.js';
import type { PairedJourney } from './pairing.js';

export interface JourneyPrice {
  operatorId: string | null;
  fareMinor: number;
  currency: string;
  /** In words, how the fare was found: shown to riders and operators. */
  fareRule: string;
  tariffVersion: number | null;
}

/**
 * Price a paired journey by the tariff in force when it began (design.md section 7). Incomplete
 * journeys pay the maximum fare from their entry (no_exit) or to their exit (no_entry). Every
 * fare class pays the adult fare for now.
 */
export function priceJourney(journey: PairedJourney, catalog: NetworkCatalog, fallbackCurrency: string): JourneyPrice {
  const known = journey.entry ?? journey.exit ?? journey.anchor;
  const site = catalog.sitesById.get(known.stationId);
  const unpriced = (operatorId: string | null, fareRule: string, currency = fallbackCurrency): JourneyPrice => ({ operatorId, fareMinor: 0, currency, fareRule, tariffVersion: null });
  if (!site) return unpriced(null, `station ${known.stationId} is not in the network: not priced`);
  const tariff = tariffInForce(catalog.tariffs, site.operatorId, known.passedAt);
  if (!tariff) return unpriced(site.operatorId, `operator ${site.operatorId} has no tariff: not priced`);
  const priced = (fareMinor: number, fareRule: string): JourneyPrice => ({
    operatorId: site.operatorId,
    fareMinor,
    currency: tariff.currency,
    fareRule: `${fareRule} (tariff ${tariff.operatorId} v${tariff.version})`,
    tariffVersion: tariff.version,
  });
  const name = (stationId: string | undefined) => (stationId ? (catalog.sitesById.get(stationId)?.name ?? stationId) : '?');
  if (journey.status === 'open') return { ...priced(0, `open: entered at ${name(journey.entry?.stationId)}, waiting for the exit`), fareMinor: 0 };

  const data = tariff.data;
  if (data.kind === 'flat') return priced(data.fareMinor, `flat fare`);

  const from = journey.entry?.stationId;
  const to = journey.exit?.stationId;
  if (journey.kind === 'single' || journey.status === 'no_exit') {
    const why = journey.kind === 'single' ? 'single validation' : journey.missing === 'timeout' ? 'no exit recorded before the timeout' : 'no exit recorded before the next entry';
    return priced(maxFareFrom(data.fares, from!) ?? 0, `${why}: maximum fare from ${name(from)}`);
  }
  if (journey.status === 'no_entry') return priced(maxFareTo(data.fares, to!) ?? 0, `no entry recorded: maximum fare to ${name(to)}`);
  const fare = data.fares[from!]?.[to!];
  if (fare === undefined) return priced(maxFareFrom(data.fares, from!) ?? 0, `${name(to)} is not in the fare matrix: maximum fare from ${name(from)}`);
  return priced(fare, `${name(from)} to ${name(to)}: station matrix`);
}
