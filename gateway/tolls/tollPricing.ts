import type { Site } from '../network/networkCatalog.js';
import type { StationName } from '../tariffs/baseFare.js';
import { sumLines, type FareBreakdown, type FareLine, type TollDetails } from '../tariffs/fareBreakdown.js';
import type { FareLeg } from '../tariffs/fareLeg.js';
import { listPrice } from '../tariffs/priceLeg.js';
import type { Tariff } from '../tariffs/tariff.js';
import type { TollRule } from '../tariffs/tariffData.js';
import { timeOfDayLine } from '../tariffs/timeOfDay.js';
import { TOLL_EXCEPTION_RULES, paidByTag } from './tollExceptionRules.js';
import { inferPath } from './missedGantries.js';
import { passagesOfTrip, tripVehicleClass, type TollTrip } from './tollPairing.js';

const INCOMPLETE_REASON: Record<string, string> = {
  next_entry: 'no exit recorded before the next entry',
  timeout: 'no exit recorded before the timeout',
  no_entry: 'no entry recorded',
};

export interface TollPricingInput {
  trip: TollTrip;
  id: string;
  tariff: Tariff & { data: { fare: TollRule } };
  /** The operator's gantries, for the missed-gantry rule. */
  gantries: readonly Site[];
  sitesById: ReadonlyMap<string, Site>;
  name: StationName;
}

/** ETC discount of an amount, rounded in the driver's favour. */
export function etcDiscount(amountMinor: number, percentOff: number): number {
  return -Math.ceil((amountMinor * percentOff) / 100);
}

/**
 * The toll of a trip (docs/tolls.md, "Pricing"), by the tariff in force when it began:
 * - closed road: the class matrix from entry to exit plaza (the tariff engine's base and time
 *   of day), less the ETC discount when every plaza passage was read by its tag; an incomplete
 *   trip pays the maximum toll the known plaza allows (a lone exit with an entry written in its
 *   tag pays from that entry); gantries on the way are its path, not charged;
 * - open road: the sum of its segments, each gantry's fee for the class with the time of day
 *   of its own passage and its own ETC discount; a gantry between two read gantries of the trip
 *   that was not read is charged as passed and flagged inferred; a duplicate read is not charged.
 */
export function priceTollTrip(input: TollPricingInput): FareBreakdown {
  return input.trip.kind === 'open_road' ? priceOpenRoad(input) : priceClosedRoad(input);
}

function priceClosedRoad({ trip, id, tariff, gantries, sitesById, name }: TollPricingInput): FareBreakdown {
  const vehicleClass = tripVehicleClass(trip);
  const rule = tariff.data.fare;
  const tagEntry = trip.status === 'no_entry' && trip.exit?.entry && sitesById.get(trip.exit.entry.site)?.kind === 'plaza' ? trip.exit.entry : undefined;
  const leg: FareLeg = {
    id,
    operatorId: tariff.operatorId,
    mode: 'toll',
    kind: 'trip',
    status: tagEntry ? 'complete' : trip.status === 'open' ? 'no_exit' : trip.status,
    entryStationId: tagEntry?.site ?? trip.entry?.stationId,
    exitStationId: trip.exit?.stationId,
    startedAt: tagEntry?.at ?? (trip.entry ?? trip.exit ?? trip.anchor).passedAt,
    fareClass: 0,
    vehicleClass,
    incompleteReason: trip.missing ? INCOMPLETE_REASON[trip.missing] : undefined,
  };
  const list = listPrice(leg, tariff, name);
  const plazaPassages = [trip.entry, trip.exit].filter((passage) => passage !== undefined);
  const byTag = plazaPassages.filter(paidByTag).length;
  const payment: TollDetails['payment'] = byTag === plazaPassages.length ? 'etc' : byTag === 0 ? 'video' : 'mixed';
  const lines: FareLine[] = list.lines.map((line) => (line.step === 'base' && tagEntry ? { ...line, label: `${line.label} (entry written in the tag)` } : line));
  if (payment === 'etc' && rule.etcDiscountPercent > 0) {
    lines.push({ step: 'etc', label: `ETC discount ${rule.etcDiscountPercent} %`, amountMinor: etcDiscount(sumLines(lines), rule.etcDiscountPercent), percentOff: rule.etcDiscountPercent });
  } else if (payment !== 'etc') lines[0] = { ...lines[0], label: `${lines[0].label}, video toll (${payment === 'video' ? 'plate only' : 'a plaza read without the tag'})` };
  const from = leg.entryStationId ? sitesById.get(leg.entryStationId) : undefined;
  const to = leg.exitStationId ? sitesById.get(leg.exitStationId) : undefined;
  const path = inferPath(trip.gantries, gantries, from?.km ?? null, to?.km ?? null).map((step) => ({ ...step, charged: false, feeMinor: 0, tollMinor: 0, note: 'path of a closed-road trip' }));
  const fareMinor = Math.max(0, sumLines(lines));
  return { ...list, lines, listMinor: fareMinor, fareMinor, toll: { kind: 'closed', vehicleClass, payment, ...(tagEntry ? { entryFromTag: tagEntry } : {}), path, exceptions: exceptionsOf(trip) } };
}

function priceOpenRoad({ trip, tariff, gantries, name }: TollPricingInput): FareBreakdown {
  const vehicleClass = tripVehicleClass(trip);
  const rule = tariff.data.fare;
  const { periods, timeZone } = tariff.data;
  const path: TollDetails['path'] = [];
  let feeTotal = 0;
  let timeTotal = 0;
  let etcTotal = 0;
  let charged = 0;
  let byTag = 0;
  const periodNames = new Set<string>();
  for (const step of inferPath(trip.gantries, gantries, null, null)) {
    if (step.duplicate) {
      path.push({ ...step, charged: false, feeMinor: 0, tollMinor: 0, note: 'duplicate read: not charged again' });
      continue;
    }
    const feeMinor = rule.gantryFees[step.stationId]?.[vehicleClass];
    if (feeMinor === undefined) {
      path.push({ ...step, charged: false, feeMinor: 0, tollMinor: 0, note: `no fee for vehicle class ${vehicleClass}: not priced` });
      continue;
    }
    const period = timeOfDayLine(periods, step.passedAt, timeZone, feeMinor);
    if (period?.step === 'time_of_day') periodNames.add(period.period);
    const timed = feeMinor + (period?.amountMinor ?? 0);
    const etc = step.byTag && rule.etcDiscountPercent > 0 ? etcDiscount(timed, rule.etcDiscountPercent) : 0;
    const tollMinor = timed + etc;
    path.push({ stationId: step.stationId, passageId: step.passageId, passedAt: step.passedAt, inferred: step.inferred, charged: true, feeMinor, tollMinor, ...(step.inferred ? { note: 'not read between two read gantries: charged as passed' } : {}) });
    feeTotal += feeMinor;
    timeTotal += timed - feeMinor;
    etcTotal += etc;
    charged += 1;
    if (step.byTag) byTag += 1;
  }
  const inferred = path.filter((step) => step.inferred && step.charged).length;
  const first = trip.gantries[0];
  const last = trip.gantries[trip.gantries.length - 1];
  const lines: FareLine[] = [{
    step: 'base',
    rule: 'gantry',
    label: `open road ${name(first.stationId)} to ${name(last.stationId)}: ${charged} gantr${charged === 1 ? 'y' : 'ies'}${inferred ? ` (${inferred} inferred)` : ''}, vehicle class ${vehicleClass}`,
    amountMinor: feeTotal,
    fromStationId: first.stationId,
    toStationId: last.stationId,
    vehicleClass,
  }];
  if (periodNames.size) lines.push({ step: 'time_of_day', period: [...periodNames].join(', '), label: `${[...periodNames].join(', ')}: by the time of each gantry`, amountMinor: timeTotal });
  if (etcTotal !== 0) lines.push({ step: 'etc', label: `ETC discount ${rule.etcDiscountPercent} % on ${byTag} gantr${byTag === 1 ? 'y' : 'ies'} read by the tag`, amountMinor: etcTotal, percentOff: rule.etcDiscountPercent });
  const fareMinor = sumLines(lines);
  const payment: TollDetails['payment'] = byTag === charged ? 'etc' : byTag === 0 ? 'video' : 'mixed';
  return {
    operatorId: tariff.operatorId, tariffVersion: tariff.version, currency: tariff.currency, fareClass: 0, lines, listMinor: fareMinor, fareMinor,
    toll: { kind: 'open_road', vehicleClass, payment, path, exceptions: exceptionsOf(trip) },
  };
}

function exceptionsOf(trip: TollTrip): TollDetails['exceptions'] {
  return passagesOfTrip(trip).flatMap((passage) => passage.exceptions.map((code) => ({ passageId: passage.id, code, rule: TOLL_EXCEPTION_RULES[code] })));
}

