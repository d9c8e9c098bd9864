import type { Principal } from '../access/principal.js';
import type { NetworkCatalogCache } from '../network/catalogCache.js';
import type { LiveEvent } from './liveHub.js';

export type LiveFilter = (event: LiveEvent) => boolean;

const everything: LiveFilter = () => true;

/** The site an event happened at: a decision's or lane status's `site`, a lane report's or passage's `stationId`. */
function siteOf(data: Record<string, unknown>): unknown {
  return data.stationId ?? data.site;
}

/**
 * Which live events a principal may see: the network's staff every event; an operator's staff
 * the decisions, lanes and passages of its own sites and its own journeys (each operator sees
 * only its own sites and money). An event that names no site or operator goes to the network's
 * staff only. The sites are read when the stream opens.
 */
export async function liveFilterFor(principal: Principal, catalog: NetworkCatalogCache): Promise<LiveFilter> {
  if (principal.kind !== 'staff') return () => false;
  const operatorId = principal.operatorId;
  if (operatorId === null) return everything;
  const ownSites = new Set((await catalog.current()).sites.filter((site) => site.operatorId === operatorId).map((site) => site.id));
  return (event) => {
    const data = (event.data ?? {}) as Record<string, unknown>;
    if (event.name === 'journey') return data.operatorId === operatorId;
    const site = siteOf(data);
    return typeof site === 'string' && ownSites.has(site);
  };
}
