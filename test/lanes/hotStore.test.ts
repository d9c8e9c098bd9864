import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { ManualClock } from '../../protocol/clock.js';
import { MemoryHotStore } from '../../lanes/hotstate/memoryHotStore.js';
import { RedisHotStore } from '../../lanes/hotstate/redisHotStore.js';
import { ResilientHotStore } from '../../lanes/hotstate/resilientHotStore.js';
import type { ClaimResult, PassbackState } from '../../lanes/hotstate/hotStore.js';
import { services, uniqueRedisPrefix } from '../support/environment.js';
import { hotStoreContract } from './hotStoreContract.js';

hotStoreContract('in-process', async () => {
  const clock = new ManualClock();
  const store = new MemoryHotStore({ clock });
  await store.start();
  return { store, advance: async (ms) => clock.advance(ms), close: () => store.close() };
});

if (services.redisUrl) {
  const redisUrl = services.redisUrl;
  hotStoreContract('Redis', async () => {
    const store = new RedisHotStore({ url: redisUrl, prefix: uniqueRedisPrefix() });
    await store.start();
    return { store, advance: (ms) => sleep(ms), close: () => store.close() };
  });
  hotStoreContract('Redis with local fallback', async () => {
    const store = new ResilientHotStore(new RedisHotStore({ url: redisUrl, prefix: uniqueRedisPrefix() }), new MemoryHotStore(), { timeoutMs: 500, probeIntervalMs: 100 });
    await store.start();
    assert.equal(store.degraded, false);
    return { store, advance: (ms) => sleep(ms), close: () => store.close() };
  });
}

/** A shared store that can be made to fail or hang, to drive the fallback. */
class FlakyStore extends MemoryHotStore {
  mode: 'ok' | 'error' | 'hang' = 'ok';
  private gate<T>(value: () => T): Promise<T> {
    if (this.mode === 'error') return Promise.reject(new Error('connection refused'));
    if (this.mode === 'hang') return new Promise(() => {});
    return Promise.resolve(value());
  }
  override claimCode(key: string, ttlMs: number): Promise<boolean> {
    return this.gate(() => this.claimCodeSync(key, ttlMs));
  }
  override claimCodeAndGetPassback(codeKey: string, ttlMs: number, tokenId: string): Promise<ClaimResult> {
    return this.gate(() => ({ claimed: this.claimCodeSync(codeKey, ttlMs), passback: this.getPassbackSync(tokenId) }));
  }
  override getPassback(tokenId: string): Promise<PassbackState | null> {
    return this.gate(() => this.getPassbackSync(tokenId));
  }
  override setPassback(tokenId: string, state: PassbackState, ttlMs: number): Promise<void> {
    return this.gate(() => this.setPassbackSync(tokenId, state, ttlMs));
  }
  ping(): Promise<void> {
    return this.gate(() => undefined);
  }
}

describe('hot store fallback', () => {
  it('when the shared store errors, then claims go to local state, degraded is flagged, and it recovers when the store answers', async () => {
    const shared = new FlakyStore();
    const changes: boolean[] = [];
    const store = new ResilientHotStore(shared, new MemoryHotStore(), { timeoutMs: 50, probeIntervalMs: 20, onChange: (degraded) => changes.push(degraded) });
    await store.start();
    try {
      assert.equal(await store.claimCode('a', 60_000), true);
      shared.mode = 'error';
      // The local copy remembers the code used while the shared store was up.
      assert.equal(await store.claimCode('a', 60_000), false);
      assert.equal(await store.claimCode('b', 60_000), true);
      assert.equal(store.degraded, true);
      shared.mode = 'ok';
      await sleep(80);
      assert.equal(store.degraded, false);
      assert.deepEqual(changes, [true, false]);
      assert.equal(await store.claimCode('c', 60_000), true);
      assert.equal(shared.claimCodeSync('c', 1), false);
    } finally {
      await store.close();
    }
  });

  it('when the shared store hangs, then a scan waits no longer than the timeout', async () => {
    const shared = new FlakyStore();
    shared.mode = 'hang';
    const store = new ResilientHotStore(shared, new MemoryHotStore(), { timeoutMs: 30, probeIntervalMs: 1000 });
    await store.start();
    try {
      const started = Date.now();
      assert.deepEqual(await store.claimCodeAndGetPassback('x', 60_000, 't'), { claimed: true, passback: null });
      assert.ok(Date.now() - started < 500);
      assert.equal(store.degraded, true);
      // Degraded: no more waiting at all.
      const again = Date.now();
      assert.equal(await store.claimCode('y', 60_000), true);
      assert.ok(Date.now() - again < 20);
    } finally {
      await store.close();
    }
  });

  it('when Redis cannot be reached at start, then the lane starts degraded on local state', async () => {
    const store = new ResilientHotStore(new RedisHotStore({ url: 'redis://127.0.0.1:1', prefix: 'none:' }), new MemoryHotStore(), {
      timeoutMs: 50,
      probeIntervalMs: 50,
      startTimeoutMs: 300,
    });
    await store.start();
    try {
      assert.equal(store.degraded, true);
      assert.equal(await store.claimCode('k', 1000), true);
      assert.equal(await store.claimCode('k', 1000), false);
    } finally {
      await store.close();
    }
  });

  it('when the in-process store is swept, then expired entries are removed', async () => {
    const clock = new ManualClock();
    const store = new MemoryHotStore({ clock });
    await store.claimCode('a', 100);
    await store.setPassback('t', { state: 'in', site: 's', at: 0 }, 100);
    await store.claimCode('b', 10_000);
    clock.advance(200);
    assert.equal(store.sweep(), 2);
    assert.equal(store.size, 1);
  });
});
