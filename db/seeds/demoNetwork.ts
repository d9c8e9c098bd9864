import type { Knex } from 'knex';
import { DEMO_BUS_FLAT_FARE_MINOR, DEMO_OPERATORS, DEMO_TIME_ZONE, DEMO_SITES, DEMO_TOLL_SITES, demoMetroFareMatrix, type SiteDefinition, type TollSiteDefinition } from '../../demo/network.js';
import { seedDemoTolls } from './demoTolls.js';

/** The first tariff version of the demo network; in force since the Unix epoch. */
export const DEMO_TARIFF_VERSION = 1;

/**
 * Load the demo network (demo/network.ts): operators, sites and version 1 of each operator's
 * tariff (the metro station matrix, the bus flat fare, the toll road of demoTolls.ts).
 * Idempotent: rows already there are left as they are, so it is safe on every start.
 */
export async function seedDemoNetwork(knex: Knex, sites: readonly SiteDefinition[] = DEMO_SITES, tollSites: readonly TollSiteDefinition[] = DEMO_TOLL_SITES): Promise<void> {
  await knex.transaction(async (trx) => {
    await trx('operators')
      .insert(DEMO_OPERATORS.map((operator) => ({ id: operator.id, name: operator.name, mode: operator.mode, currency: operator.currency })))
      .onConflict('id')
      .ignore();
    await trx('sites')
      .insert(
        sites.map((site) => ({
          id: site.id,
          operator_id: site.operatorId,
          name: site.name,
          mode: site.mode,
          line: site.line,
          order: site.order,
          device_ids: JSON.stringify(site.deviceIds),
        })),
      )
      .onConflict('id')
      .ignore();
    const tariffs = DEMO_OPERATORS.map((operator) => ({
      id: `${operator.id}-v${DEMO_TARIFF_VERSION}`,
      operator_id: operator.id,
      version: DEMO_TARIFF_VERSION,
      effective_from: 0,
      currency: operator.currency,
      // The tariff engine's format (gateway/tariffs/tariffData.ts).
      data: JSON.stringify({
        timeZone: DEMO_TIME_ZONE,
        fare: operator.mode === 'metro' ? { kind: 'matrix', fares: demoMetroFareMatrix(sites) } : { kind: 'flat', fareMinor: DEMO_BUS_FLAT_FARE_MINOR },
        incomplete: { rule: 'max_fare' },
      }),
    }));
    await trx('tariffs').insert(tariffs).onConflict(['operator_id', 'version']).ignore();
    await seedDemoTolls(trx, tollSites, DEMO_TARIFF_VERSION);
  });
}

/** The knex seed entry point (`knex seed:run`). */
export async function seed(knex: Knex): Promise<void> {
  await seedDemoNetwork(knex);
}
