import type { Clock } from '../../protocol/clock.js';
import type { LaneConfig } from '../config.js';
import type { LaneLogger } from '../log.js';
import type { HotStore } from './hotStore.js';
import { MemoryHotStore } from './memoryHotStore.js';
import { RedisHotStore } from './redisHotStore.js';
import { ResilientHotStore } from './resilientHotStore.js';

/** The hot store a lane's configuration asks for: Redis with a local fallback, or local only. */
export function createHotStore(config: LaneConfig, clock: Clock, logger: LaneLogger): HotStore {
  const local = new MemoryHotStore({ clock });
  if (!config.redisUrl) return local;
  let lastRedisError = '';
  const redis = new RedisHotStore({
    url: config.redisUrl,
    prefix: config.hotStorePrefix,
    connectTimeoutMs: config.hotStoreTimeoutMs * 20,
    onError: (error) => {
      if (error.message !== lastRedisError) logger.warn('hotstore.redis_error', { error: error.message });
      lastRedisError = error.message;
    },
  });
  return new ResilientHotStore(redis, local, {
    timeoutMs: config.hotStoreTimeoutMs,
    probeIntervalMs: config.hotStoreProbeIntervalMs,
    onChange: (degraded, reason) => (degraded ? logger.warn('hotstore.degraded', { reason }) : logger.info('hotstore.recovered')),
  });
}
