import type { Knex } from 'knex';
import type { Clock } from '../protocol/clock.js';
import type { IdGenerator } from '../protocol/ids.js';
import type { TrustChange } from '../protocol/laneApi.js';
import type { GatewayConfig } from './config.js';
import type { UnitOfWork } from './db/unitOfWork.js';
import type { LiveHub } from './live/liveHub.js';
import type { Metrics } from './metrics.js';
import type { NetworkCatalogCache } from './network/catalogCache.js';
import type { TrustPublisher } from './trust/trustPublisher.js';

/** What every gateway service is given: injected, never imported as a global. */
export interface GatewayContext {
  config: GatewayConfig;
  knex: Knex;
  clock: Clock;
  ids: IdGenerator;
  trust: TrustPublisher;
  live: LiveHub;
  metrics: Metrics;
  /** Operators, sites and tariffs as pricing needs them, kept between batches. */
  catalog: NetworkCatalogCache;
}

/** Publish trust changes made in this unit of work once it has committed. */
export function publishAfterCommit(ctx: GatewayContext, unit: UnitOfWork, changes: ReadonlyArray<TrustChange | undefined>): void {
  const made = changes.filter((change): change is TrustChange => change !== undefined);
  if (made.length) unit.afterCommit(() => ctx.trust.publish(made));
}
