import { journeyIdFor, type Journey } from '../journeys/journeyRecords.js';
import type { NetworkCatalog } from '../network/networkCatalog.js';
import { fareSentence, type FareBreakdown } from '../tariffs/fareBreakdown.js';
import { tariffInForce, type Tariff } from '../tariffs/tariff.js';
import type { TollRule } from '../tariffs/tariffData.js';
import { priceTollTrip } from './tollPricing.js';
import type { TollTrip } from './tollPairing.js';

type TollTariff = Tariff & { data: { fare: TollRule } };

export function isTollTariff(tariff: Tariff | undefined): tariff is TollTariff {
  return tariff?.data.fare.kind === 'toll';
}

/** The toll tariff in force for a passage at a site, if its operator has one. */
export function tollTariffAt(catalog: NetworkCatalog, stationId: string, atMs: number): TollTariff | undefined {
  const site = catalog.sitesById.get(stationId);
  const tariff = site && tariffInForce(catalog.tariffs, site.operatorId, atMs);
  return isTollTariff(tariff) ? tariff : undefined;
}

/** The fare sentence of a toll trip: the engine's, then each lane exception and its rule (shown on the charge). */
export function tollFareRule(breakdown: FareBreakdown): string {
  const exceptions = breakdown.toll?.exceptions ?? [];
  const codes = [...new Set(exceptions.map((item) => item.code))];
  return codes.length ? `${fareSentence(breakdown)}; exceptions: ${codes.join(', ')}` : fareSentence(breakdown);
}

/**
 * A paired toll trip as a journey (mode 'toll'), priced: charges, receipts, disputes and the
 * arrears cycle then treat it as any journey. Named after its anchor passage, so pairing the
 * same passages again names the same trip.
 */
export function tollJourneyOf(trip: TollTrip, vehicle: { tokenId: string; riderId: string | null }, catalog: NetworkCatalog, fallbackCurrency: string): Journey {
  const id = journeyIdFor(trip.anchor.id);
  const first = trip.entry ?? trip.gantries[0] ?? trip.exit ?? trip.anchor;
  const last = trip.exit ?? trip.gantries[trip.gantries.length - 1];
  const site = catalog.sitesById.get(trip.anchor.stationId);
  const tariff = tollTariffAt(catalog, trip.anchor.stationId, first.passedAt);
  const name = (stationId: string | undefined) => (stationId ? (catalog.sitesById.get(stationId)?.name ?? stationId) : '?');
  const base: Journey = {
    id,
    riderId: vehicle.riderId,
    tokenId: vehicle.tokenId,
    mode: 'toll',
    operatorId: site?.operatorId ?? null,
    status: trip.status,
    entryStationId: trip.kind === 'open_road' ? first.stationId : (trip.entry?.stationId ?? null),
    exitStationId: trip.kind === 'open_road' ? (last?.stationId ?? null) : (trip.exit?.stationId ?? null),
    startedAt: first.passedAt,
    endedAt: trip.status === 'open' ? null : (last?.passedAt ?? first.passedAt),
    fareMinor: 0,
    currency: tariff?.currency ?? fallbackCurrency,
    fareRule: '',
    tariffVersion: tariff?.version ?? null,
    breakdown: null,
    fareClass: 0,
    entryPassageId: trip.kind === 'open_road' ? first.id : (trip.entry?.id ?? null),
    exitPassageId: trip.kind === 'open_road' ? (last?.id ?? null) : (trip.exit?.id ?? null),
    chargedMinor: 0,
    revision: 1,
  };
  if (!site) return { ...base, fareRule: `site ${trip.anchor.stationId} is not in the network: not priced` };
  if (!tariff) return { ...base, fareRule: `operator ${site.operatorId} has no toll tariff: not priced` };
  if (trip.status === 'open') return { ...base, fareRule: `open: entered at ${name(trip.entry?.stationId)}, waiting for the exit (tariff ${tariff.operatorId} v${tariff.version})` };
  const gantries = catalog.sites.filter((candidate) => candidate.operatorId === site.operatorId && candidate.kind === 'gantry');
  const breakdown = priceTollTrip({ trip, id, tariff, gantries, sitesById: catalog.sitesById, name });
  return { ...base, fareMinor: breakdown.fareMinor, breakdown, fareRule: tollFareRule(breakdown) };
}
