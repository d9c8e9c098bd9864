import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { HotStore } from '../../lanes/hotstate/hotStore.js';

export interface HotStoreUnderTest {
  store: HotStore;
  /** Let ttlMs pass (a manual clock, or a real wait). */
  advance(ms: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * The contract every hot store passes (in-process, Redis, Redis with fallback), as MQTT.js
 * test/node/abstract_store.ts does for its stores.
 */
export function hotStoreContract(name: string, open: () => Promise<HotStoreUnderTest>): void {
  describe(`hot store contract: ${name}`, () => {
    let subject: HotStoreUnderTest;
    const key = () => `S1:${randomBytes(8).toString('hex')}:1767600000:1`;
    const token = () => randomBytes(16).toString('hex');

    beforeEach(async () => {
      subject = await open();
    });
    afterEach(async () => {
      await subject.close();
    });

    it('when a code is claimed twice, then only the first claim wins', async () => {
      const code = key();
      assert.equal(await subject.store.claimCode(code, 60_000), true);
      assert.equal(await subject.store.claimCode(code, 60_000), false);
      assert.equal(await subject.store.claimCode(key(), 60_000), true);
    });

    it('when the claim TTL has passed, then the code can be claimed again', async () => {
      const code = key();
      assert.equal(await subject.store.claimCode(code, 100), true);
      await subject.advance(250);
      assert.equal(await subject.store.claimCode(code, 100), true);
    });

    it('when many claims of one code race, then exactly one wins', async () => {
      const code = key();
      const results = await Promise.all(Array.from({ length: 20 }, () => subject.store.claimCode(code, 60_000)));
      assert.equal(results.filter(Boolean).length, 1);
    });

    it('when a token has no passback state, then it reads null; once set, it reads back', async () => {
      const tokenId = token();
      assert.equal(await subject.store.getPassback(tokenId), null);
      await subject.store.setPassback(tokenId, { state: 'in', site: 'M1-01', at: 1000 }, 60_000);
      assert.deepEqual(await subject.store.getPassback(tokenId), { state: 'in', site: 'M1-01', at: 1000 });
      await subject.store.setPassback(tokenId, { state: 'out', site: 'M1-02', at: 2000 }, 60_000);
      assert.deepEqual(await subject.store.getPassback(tokenId), { state: 'out', site: 'M1-02', at: 2000 });
    });

    it('when an older confirmation arrives after a newer one, then the newer passback state stays', async () => {
      const tokenId = token();
      await subject.store.setPassback(tokenId, { state: 'out', site: 'M1-03', at: 5000 }, 60_000);
      await subject.store.setPassback(tokenId, { state: 'in', site: 'M1-01', at: 4000 }, 60_000);
      assert.deepEqual(await subject.store.getPassback(tokenId), { state: 'out', site: 'M1-03', at: 5000 });
    });

    it('when the passback TTL has passed, then the state is gone', async () => {
      const tokenId = token();
      await subject.store.setPassback(tokenId, { state: 'in', site: 'M1-01', at: 1000 }, 100);
      await subject.advance(250);
      assert.equal(await subject.store.getPassback(tokenId), null);
    });

    it('when a code is claimed with the passback read, then both answers come back together', async () => {
      const tokenId = token();
      const code = key();
      assert.deepEqual(await subject.store.claimCodeAndGetPassback(code, 60_000, tokenId), { claimed: true, passback: null });
      await subject.store.setPassback(tokenId, { state: 'in', site: 'M1-01', at: 5 }, 60_000);
      assert.deepEqual(await subject.store.claimCodeAndGetPassback(code, 60_000, tokenId), { claimed: false, passback: { state: 'in', site: 'M1-01', at: 5 } });
    });
  });
}
