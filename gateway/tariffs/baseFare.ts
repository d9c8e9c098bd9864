import type { FareLeg } from './fareLeg.js';
import type { FareLine } from './fareBreakdown.js';
import type { FareRule, TariffData } from './tariffData.js';

type BaseLine = Extract<FareLine, { step: 'base' }>;
export type StationName = (stationId: string | undefined) => string;

/**
 * The base fare of a leg by the tariff's fare rule. Incomplete journeys (and single validations
 * on a trip tariff) pay the maximum fare the known station allows, or the tariff's fixed fare.
 */
export function baseFare(leg: FareLeg, data: TariffData, name: StationName): BaseLine {
  const rule = data.fare;
  const vehicleClass = leg.vehicleClass ?? data.defaultVehicleClass;
  const from = leg.entryStationId;
  const to = leg.exitStationId;
  if (rule.kind === 'flat') return { step: 'base', rule: 'flat', label: 'flat fare', amountMinor: rule.fareMinor };
  if (rule.kind === 'gantries') {
    const station = from ?? to;
    const fee = station ? rule.fees[station]?.[vehicleClass] : undefined;
    if (fee === undefined) return { step: 'base', rule: 'unpriced', label: `${name(station)} has no fee for vehicle class ${vehicleClass}: not priced`, amountMinor: 0 };
    return { step: 'base', rule: 'gantry', label: `${name(station)}: gantry fee, vehicle class ${vehicleClass}`, amountMinor: fee, fromStationId: station, vehicleClass };
  }
  const incomplete = leg.kind === 'single' || leg.status !== 'complete' || !from || !to;
  if (incomplete) {
    const why = leg.incompleteReason ?? (leg.kind === 'single' ? 'single validation' : leg.status === 'no_entry' ? 'no entry recorded' : 'no exit recorded');
    if (data.incomplete.rule === 'fixed') return { step: 'base', rule: 'fixed_incomplete', label: `${why}: fixed fare for incomplete journeys`, amountMinor: data.incomplete.fareMinor };
    const known = (from ?? to)!;
    const towards = from ? 'from' : 'to';
    return { step: 'base', rule: 'max_fare', label: `${why}: maximum fare ${towards} ${name(known)}`, amountMinor: maxFare(rule, known, vehicleClass, from ? 'from' : 'to'), ...(from ? { fromStationId: from } : { toStationId: to }) };
  }
  const fare = tripFare(rule, from, to, vehicleClass);
  if (fare === undefined) {
    return { step: 'base', rule: 'max_fare', label: `${name(to)} is not in the fare table: maximum fare from ${name(from)}`, amountMinor: maxFare(rule, from, vehicleClass, 'from'), fromStationId: from };
  }
  const stations = { fromStationId: from, toStationId: to };
  if (rule.kind === 'matrix') return { step: 'base', rule: 'matrix', label: `${name(from)} to ${name(to)}: station matrix`, amountMinor: fare, ...stations };
  if (rule.kind === 'toll') return { step: 'base', rule: 'matrix', label: `${name(from)} to ${name(to)}: toll matrix, vehicle class ${vehicleClass}`, amountMinor: fare, vehicleClass, ...stations };
  if (rule.kind === 'zones') {
    const zones = zoneSpan(rule.stationZones[from], rule.stationZones[to]);
    return { step: 'base', rule: 'zones', label: `${name(from)} to ${name(to)}: zones ${zones[0]}-${zones[zones.length - 1]} (${zones.length} zone${zones.length > 1 ? 's' : ''})`, amountMinor: fare, zones, ...stations };
  }
  const km = Math.abs(rule.positionsKm[to] - rule.positionsKm[from]);
  return { step: 'base', rule: 'distance', label: `${name(from)} to ${name(to)}: ${round1(km)} km, vehicle class ${vehicleClass}`, amountMinor: fare, km: round1(km), vehicleClass, ...stations };
}

const round1 = (value: number) => Math.round(value * 10) / 10;

function zoneSpan(a: number, b: number): number[] {
  const [low, high] = a <= b ? [a, b] : [b, a];
  return Array.from({ length: high - low + 1 }, (_, index) => low + index);
}

/** The fare between two stations, or undefined when the tariff does not price the pair. */
export function tripFare(rule: FareRule, from: string, to: string, vehicleClass: string): number | undefined {
  switch (rule.kind) {
    case 'flat':
      return rule.fareMinor;
    case 'matrix':
      return rule.fares[from]?.[to];
    case 'zones': {
      const [a, b] = [rule.stationZones[from], rule.stationZones[to]];
      if (a === undefined || b === undefined) return undefined;
      const pair = rule.byZonePair?.[`${Math.min(a, b)}-${Math.max(a, b)}`] ?? rule.byZonePair?.[`${Math.max(a, b)}-${Math.min(a, b)}`];
      return pair ?? rule.byZoneCount?.[String(Math.abs(a - b) + 1)];
    }
    case 'distance': {
      const [a, b] = [rule.positionsKm[from], rule.positionsKm[to]];
      const rate = rule.ratePerKmMinor[vehicleClass];
      if (a === undefined || b === undefined || rate === undefined) return undefined;
      return Math.max(rule.minimumFareMinor, Math.round(Math.abs(b - a) * rate));
    }
    case 'gantries':
      return rule.fees[from]?.[vehicleClass];
    case 'toll':
      return rule.matrix[vehicleClass]?.[from]?.[to];
  }
}

/** Every station the rule knows. */
export function ruleStations(rule: FareRule): string[] {
  switch (rule.kind) {
    case 'flat':
      return [];
    case 'matrix':
      return [...new Set([...Object.keys(rule.fares), ...Object.values(rule.fares).flatMap((row) => Object.keys(row))])];
    case 'zones':
      return Object.keys(rule.stationZones);
    case 'distance':
      return Object.keys(rule.positionsKm);
    case 'gantries':
      return Object.keys(rule.fees);
    case 'toll':
      return [...new Set([...tollPlazas(rule), ...Object.keys(rule.gantryFees)])];
  }
}

/** The highest fare from a station (no exit) or to it (no entry): what an incomplete journey pays. */
export function maxFare(rule: FareRule, station: string, vehicleClass: string, direction: 'from' | 'to'): number {
  if (rule.kind === 'flat') return rule.fareMinor;
  let highest = 0;
  for (const other of ruleStations(rule)) {
    const fare = direction === 'from' ? tripFare(rule, station, other, vehicleClass) : tripFare(rule, other, station, vehicleClass);
    highest = Math.max(highest, fare ?? 0);
  }
  return highest;
}

/** The highest fare any single journey can cost under the rule, for the check that caps exceed it. */
export function highestFare(rule: FareRule, vehicleClass: string): number {
  if (rule.kind === 'flat') return rule.fareMinor;
  return Math.max(0, ...ruleStations(rule).map((station) => maxFare(rule, station, vehicleClass, 'from')));
}

/** The plazas a toll matrix names, over every vehicle class. */
export function tollPlazas(rule: Extract<FareRule, { kind: 'toll' }>): string[] {
  const rows = Object.values(rule.matrix);
  return [...new Set([...rows.flatMap((row) => Object.keys(row)), ...rows.flatMap((row) => Object.values(row).flatMap((to) => Object.keys(to)))])];
}
