import { ruleStations } from './baseFare.js';
import { checkTollRule } from './checkTollRule.js';
import { problem, type TariffProblem } from './tariffProblems.js';
import type { FareRule } from './tariffData.js';

export interface NetworkStation {
  id: string;
  name: string;
  /** Toll sites: plaza or gantry. */
  kind?: string | null;
}

/**
 * The fare rule against the operator's stations: every station the rule names exists, every
 * station is priced, a matrix has every ordered pair, every zone span has a fare.
 */
export function checkFareRule(rule: FareRule, stations: readonly NetworkStation[], defaultVehicleClass: string): TariffProblem[] {
  const path = 'data.fare';
  const out: TariffProblem[] = [];
  const known = new Map(stations.map((station) => [station.id, station]));
  const label = (id: string) => (known.has(id) ? `${known.get(id)!.name} (${id})` : id);
  for (const id of ruleStations(rule)) if (!known.has(id)) out.push(problem('UNKNOWN_STATION', path, `station ${id} is not a station of this operator`));
  if (rule.kind === 'flat') return out;
  if (rule.kind === 'toll') return [...out, ...checkTollRule(rule, stations)];

  const priced = new Set(ruleStations(rule));
  const what = { matrix: 'has no row in the matrix', zones: 'has no zone', distance: 'has no position', gantries: 'has no fee' }[rule.kind];
  for (const station of stations) if (!priced.has(station.id)) out.push(problem('STATION_NOT_PRICED', path, `station ${label(station.id)} ${what}`));

  if (rule.kind === 'matrix') {
    const ids = [...new Set([...stations.map((station) => station.id), ...Object.keys(rule.fares)])];
    for (const from of ids) {
      for (const to of ids) {
        if (from !== to && rule.fares[from]?.[to] === undefined) out.push(problem('MATRIX_PAIR_MISSING', `${path}.fares.${from}.${to}`, `no fare from ${label(from)} to ${label(to)}`));
      }
    }
  }
  if (rule.kind === 'zones') {
    if (!rule.byZoneCount && !rule.byZonePair) out.push(problem('ZONE_WITHOUT_FARE', path, 'give byZoneCount or byZonePair'));
    const zones = [...new Set(Object.values(rule.stationZones))].sort((a, b) => a - b);
    for (const a of zones) {
      for (const b of zones) {
        if (b < a) continue;
        const fare = rule.byZonePair?.[`${a}-${b}`] ?? rule.byZonePair?.[`${b}-${a}`] ?? rule.byZoneCount?.[String(b - a + 1)];
        if (fare === undefined) out.push(problem('ZONE_WITHOUT_FARE', path, a === b ? `zone ${a} has no fare within it` : `no fare between zones ${a} and ${b} (${b - a + 1} zones)`));
      }
    }
  }
  if (rule.kind === 'distance' && rule.ratePerKmMinor[defaultVehicleClass] === undefined) {
    out.push(problem('VEHICLE_CLASS_WITHOUT_RATE', `${path}.ratePerKmMinor`, `default vehicle class ${defaultVehicleClass} has no rate per km`));
  }
  return out;
}
