import { join } from 'node:path';
import { DEMO_TOLL_SITES, tollSitesWithSuffix, type TollSiteDefinition } from '../demo/network.js';
import { openLaneDatabase } from '../lanes/journal/laneDatabase.js';
import { TrustPersistence } from '../lanes/trust/trustPersistence.js';
import type { TrustChange } from '../protocol/laneApi.js';
import type { SimVehicle } from '../simulator/toll/vehicle.js';

/**
 * The benchmark's toll sites: four plazas shaped like the demo's West plaza (two entry and two
 * exit barrier lanes each: 16 barrier lanes, four lane controllers) and one free-flow gantry
 * shaped like TG01 (two lanes, one lane controller).
 */
const westPlaza = DEMO_TOLL_SITES.find((site) => site.id === 'TW')!;
const gantry = DEMO_TOLL_SITES.find((site) => site.id === 'TG01')!;

export const BENCH_TOLL_PLAZAS: TollSiteDefinition[] = [1, 2, 3, 4].map((n) => tollSitesWithSuffix([westPlaza], `P${n}`)[0]);
export const BENCH_TOLL_GANTRY: TollSiteDefinition = tollSitesWithSuffix([gantry], 'G')[0];
export const BENCH_TOLL_SITES: TollSiteDefinition[] = [...BENCH_TOLL_PLAZAS, BENCH_TOLL_GANTRY];

export function tollJournalFile(dataDir: string, siteId: string): string {
  return join(dataDir, `lane-${siteId}.sqlite`);
}

/** Vehicle trust versions start here, past anything the benchmark's gateway has. */
const FLEET_TRUST_VERSION = 1_000_000;

/**
 * The bench fleet's registrations, written into each toll lane's trust copy before it starts, as
 * the gateway's vehicle.add deltas would have left them (the gateway's vehicle registration is
 * not part of the benchmark). Tags are then known, so barriers lift.
 */
export function seedFleetTrust(dataDir: string, siteIds: readonly string[], fleet: readonly SimVehicle[]): void {
  const changes: TrustChange[] = fleet.map((vehicle, index) => ({
    version: FLEET_TRUST_VERSION + index,
    at: Date.now(),
    kind: 'vehicle.add',
    tokenId: index.toString(16).padStart(32, '0'),
    tagId: vehicle.tag?.tagId ?? null,
    plate: vehicle.plate,
    vehicleClass: vehicle.vehicleClass,
  }));
  for (const siteId of siteIds) {
    const db = openLaneDatabase(tollJournalFile(dataDir, siteId));
    try {
      new TrustPersistence(db).saveChanges(changes, FLEET_TRUST_VERSION + changes.length - 1);
    } finally {
      db.close();
    }
  }
}
