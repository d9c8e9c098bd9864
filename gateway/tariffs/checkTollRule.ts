import { problem, type TariffProblem } from './tariffProblems.js';
import type { TollRule } from './tariffData.js';

export interface TollStation {
  id: string;
  name: string;
  /** plaza | gantry for a toll site (sites.site_kind). */
  kind?: string | null;
}

/**
 * A toll rule against the operator's sites: every vehicle class of the matrix prices every
 * ordered pair of plazas, every gantry has a fee for every class, plazas are in the matrix
 * and gantries in the fees (never the other way round), and a gantry fee is not above the
 * highest closed-road toll of its class (a gantry is a segment of the road, not a whole trip).
 */
export function checkTollRule(rule: TollRule, stations: readonly TollStation[]): TariffProblem[] {
  const path = 'data.fare';
  const out: TariffProblem[] = [];
  const label = (id: string) => {
    const station = stations.find((candidate) => candidate.id === id);
    return station ? `${station.name} (${id})` : id;
  };
  const plazas = stations.filter((station) => station.kind !== 'gantry').map((station) => station.id);
  const gantries = stations.filter((station) => station.kind === 'gantry').map((station) => station.id);
  const classes = Object.keys(rule.matrix);
  if (classes.length === 0) out.push(problem('VEHICLE_CLASS_WITHOUT_RATE', `${path}.matrix`, 'the matrix prices no vehicle class'));
  for (const vehicleClass of classes) {
    const table = rule.matrix[vehicleClass];
    for (const id of Object.keys(table)) if (gantries.includes(id)) out.push(problem('GANTRY_IN_MATRIX', `${path}.matrix.${vehicleClass}.${id}`, `${label(id)} is a gantry: gantries are priced in gantryFees`));
    for (const from of plazas) {
      for (const to of plazas) {
        if (from !== to && table[from]?.[to] === undefined) out.push(problem('MATRIX_PAIR_MISSING', `${path}.matrix.${vehicleClass}.${from}.${to}`, `vehicle class ${vehicleClass}: no toll from ${label(from)} to ${label(to)}`));
      }
    }
  }
  for (const id of Object.keys(rule.gantryFees)) if (plazas.includes(id)) out.push(problem('PLAZA_IN_GANTRY_FEES', `${path}.gantryFees.${id}`, `${label(id)} is a plaza: plazas are priced in the matrix`));
  for (const gantry of gantries) {
    const fees = rule.gantryFees[gantry];
    if (!fees) {
      out.push(problem('STATION_NOT_PRICED', `${path}.gantryFees`, `gantry ${label(gantry)} has no fee`));
      continue;
    }
    for (const vehicleClass of classes) {
      const fee = fees[vehicleClass];
      if (fee === undefined) out.push(problem('VEHICLE_CLASS_WITHOUT_RATE', `${path}.gantryFees.${gantry}`, `gantry ${label(gantry)} has no fee for vehicle class ${vehicleClass}`));
      const highest = Math.max(0, ...Object.values(rule.matrix[vehicleClass]).flatMap((row) => Object.values(row)));
      if (fee !== undefined && plazas.length > 1 && fee > highest) out.push(problem('GANTRY_FEE_ABOVE_TRIP', `${path}.gantryFees.${gantry}.${vehicleClass}`, `gantry ${label(gantry)} charges vehicle class ${vehicleClass} more (${fee}) than the dearest closed-road trip (${highest})`));
    }
  }
  return out;
}
