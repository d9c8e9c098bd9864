import type { Knex } from 'knex';
import { DEMO_TIME_ZONE, DEMO_TOLL_OPERATOR, DEMO_TOLL_PER_KM_MINOR, DEMO_TOLL_SITES, type TollSiteDefinition } from '../../demo/network.js';
import type { TariffDataInput } from '../../gateway/tariffs/tariffData.js';

/** ETC price of the demo road: 10 % off the video (plate-only) toll. */
export const DEMO_ETC_DISCOUNT_PERCENT = 10;
/** Weekday morning peak on the demo road, local time: +20 %. */
export const DEMO_TOLL_PEAK = { name: 'weekday morning peak', days: [1, 2, 3, 4, 5], from: '07:00', to: '09:00', multiplierPercent: 120 };
export const DEMO_GANTRY_TRIP_GAP_MIN = 30;

/**
 * Version 1 of the demo road's tariff (docs/tolls.md, "The demo road"), in video-toll prices:
 * - matrix: |km of exit - km of entry| x DEMO_TOLL_PER_KM_MINOR of the class, for each plaza pair;
 * - gantry fees: each gantry charges the stretch from the gantry (or plaza) before it, and the
 *   last one the stretch to the far plaza too, at the same rate: a vehicle that passes every
 *   gantry pays exactly what the matrix asks from plaza to plaza;
 * - ETC 10 % off, a weekday morning peak, the maximum toll for a missing entry or exit.
 */
export function demoTollTariffData(sites: readonly TollSiteDefinition[] = DEMO_TOLL_SITES): TariffDataInput {
  const plazas = sites.filter((site) => site.kind === 'plaza');
  const gantries = sites.filter((site) => site.kind === 'gantry').sort((a, b) => a.km - b.km);
  const plazaKms = plazas.map((plaza) => plaza.km);
  const [roadStartKm, roadEndKm] = [Math.min(...plazaKms), Math.max(...plazaKms)];
  const matrix: Record<string, Record<string, Record<string, number>>> = {};
  const gantryFees: Record<string, Record<string, number>> = {};
  for (const [vehicleClass, rate] of Object.entries(DEMO_TOLL_PER_KM_MINOR)) {
    matrix[vehicleClass] = {};
    for (const from of plazas) {
      matrix[vehicleClass][from.id] = {};
      for (const to of plazas) if (to.id !== from.id) matrix[vehicleClass][from.id][to.id] = Math.round(Math.abs(to.km - from.km) * rate);
    }
    gantries.forEach((gantry, index) => {
      const startKm = index === 0 ? roadStartKm : gantries[index - 1].km;
      const endKm = index === gantries.length - 1 ? roadEndKm : gantry.km;
      gantryFees[gantry.id] = { ...gantryFees[gantry.id], [vehicleClass]: Math.round((endKm - startKm) * rate) };
    });
  }
  return {
    timeZone: DEMO_TIME_ZONE,
    fare: { kind: 'toll', matrix, gantryFees, etcDiscountPercent: DEMO_ETC_DISCOUNT_PERCENT, gantryTripGapMin: DEMO_GANTRY_TRIP_GAP_MIN },
    periods: [DEMO_TOLL_PEAK],
    incomplete: { rule: 'max_fare' },
  };
}

/** The demo toll operator, its plazas and gantries (sites of mode 'toll'), and tariff version 1. Idempotent. */
export async function seedDemoTolls(trx: Knex.Transaction, sites: readonly TollSiteDefinition[] = DEMO_TOLL_SITES, version = 1): Promise<void> {
  const operator = DEMO_TOLL_OPERATOR;
  await trx('operators').insert({ id: operator.id, name: operator.name, mode: operator.mode, currency: operator.currency }).onConflict('id').ignore();
  await trx('sites')
    .insert(sites.map((site) => ({
      id: site.id,
      operator_id: site.operatorId,
      name: site.name,
      mode: 'toll',
      line: operator.id,
      order: site.order,
      device_ids: JSON.stringify(site.lanes.flatMap((lane) => Object.values(lane.devices))),
      site_kind: site.kind,
      position_km: site.km,
    })))
    .onConflict('id')
    .ignore();
  await trx('tariffs')
    .insert({ id: `${operator.id}-v${version}`, operator_id: operator.id, version, effective_from: 0, currency: operator.currency, data: JSON.stringify(demoTollTariffData(sites)) })
    .onConflict(['operator_id', 'version'])
    .ignore();
}
