import type { Knex } from 'knex';
import type { Tariff } from '../tariffs/tariff.js';
import { tariffFromRow } from '../tariffs/tariffStore.js';

export interface Operator {
  id: string;
  name: string;
  mode: string;
  currency: string;
}

export interface Site {
  id: string;
  operatorId: string;
  name: string;
  mode: string;
  line: string;
  order: number;
  deviceIds: string[];
  /** Toll sites: plaza or gantry, and the position along the road (docs/tolls.md); null for transit. */
  kind: 'plaza' | 'gantry' | null;
  km: number | null;
}

/** Operators, sites and tariffs, read together: what pricing and the network page need. */
export interface NetworkCatalog {
  operators: Operator[];
  sites: Site[];
  sitesById: Map<string, Site>;
  tariffs: Tariff[];
}

export async function loadNetworkCatalog(db: Knex | Knex.Transaction): Promise<NetworkCatalog> {
  const [operators, siteRows, tariffRows] = await Promise.all([
    db('operators').select('id', 'name', 'mode', 'currency').orderBy('id'),
    db('sites').select().orderBy([{ column: 'operator_id' }, { column: 'line' }, { column: 'order' }]),
    db('tariffs').select().orderBy([{ column: 'operator_id' }, { column: 'version' }]),
  ]);
  const sites: Site[] = siteRows.map((row) => ({
    id: row.id,
    operatorId: row.operator_id,
    name: row.name,
    mode: row.mode,
    line: row.line,
    order: Number(row.order),
    deviceIds: JSON.parse(row.device_ids),
    kind: row.site_kind ?? null,
    km: row.position_km === null || row.position_km === undefined ? null : Number(row.position_km),
  }));
  const tariffs: Tariff[] = tariffRows.map(tariffFromRow);
  return { operators, sites, sitesById: new Map(sites.map((site) => [site.id, site])), tariffs };
}
