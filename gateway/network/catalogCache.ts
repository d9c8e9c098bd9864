import type { Knex } from 'knex';
import { loadNetworkCatalog, type NetworkCatalog } from './networkCatalog.js';

/**
 * The network catalog, loaded once and kept while it is current. Operators, sites and tariff
 * versions are only ever added (tariffs are versioned, never edited), so their row counts are a
 * stamp that changes whenever the catalog does: one small query per use instead of three full
 * reads, and a change made through another replica (or a seed) is seen on the next use. A tariff
 * loaded through this gateway's API also invalidates it at once.
 */
export class NetworkCatalogCache {
  private cached: { stamp: string; catalog: NetworkCatalog } | undefined;
  loads = 0;

  constructor(private readonly knex: Knex) {}

  invalidate(): void {
    this.cached = undefined;
  }

  async current(db: Knex | Knex.Transaction = this.knex): Promise<NetworkCatalog> {
    const stamp = await catalogStamp(db);
    if (this.cached?.stamp === stamp) return this.cached.catalog;
    const catalog = await loadNetworkCatalog(db);
    this.loads += 1;
    this.cached = { stamp, catalog };
    return catalog;
  }
}

async function catalogStamp(db: Knex | Knex.Transaction): Promise<string> {
  const row = await db
    .select(db.raw('(SELECT COUNT(*) FROM operators) AS operators'), db.raw('(SELECT COUNT(*) FROM sites) AS sites'), db.raw('(SELECT COUNT(*) FROM tariffs) AS tariffs'))
    .first();
  return `${Number(row?.operators)}:${Number(row?.sites)}:${Number(row?.tariffs)}`;
}
