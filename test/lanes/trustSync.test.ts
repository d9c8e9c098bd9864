import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ManualClock } from '../../protocol/clock.js';
import { GatewayClient } from '../../lanes/gatewayClient.js';
import { openLaneDatabase } from '../../lanes/journal/laneDatabase.js';
import { silentLogger } from '../../lanes/log.js';
import { TrustCopy } from '../../lanes/trust/trustCopy.js';
import { TrustPersistence } from '../../lanes/trust/trustPersistence.js';
import { TrustSync } from '../../lanes/trust/trustSync.js';
import { temporaryDir } from '../support/environment.js';
import { FakeGateway } from './support/fakeGateway.js';
import { TestIssuer } from './support/issuer.js';

describe('lane trust sync', () => {
  let gateway: FakeGateway;
  let dir: ReturnType<typeof temporaryDir>;

  beforeEach(async () => {
    gateway = await new FakeGateway().start();
    dir = temporaryDir('turnpike-trust-');
  });
  afterEach(async () => {
    await gateway.close();
    dir.remove();
  });

  function open(clock: ManualClock) {
    const db = openLaneDatabase(join(dir.path, 'lane.sqlite'));
    const copy = new TrustCopy();
    const sync = new TrustSync(copy, new TrustPersistence(db), new GatewayClient({ gatewayUrl: gateway.url, timeoutMs: 1000 }), {
      pollIntervalMs: 60_000,
      staleAfterS: 300,
      clock,
      logger: silentLogger,
    });
    return { db, copy, sync };
  }

  it('when the lane has not confirmed its copy for longer than the staleness limit, then it is stale, and current again after a catch-up', async () => {
    const clock = new ManualClock();
    gateway.addTrustChange(TestIssuer.around(clock.now()).keyAdd(1));
    const { db, copy, sync } = open(clock);
    try {
      await sync.start();
      assert.deepEqual([copy.version, sync.ageMs(), sync.isStale()], [1, 0, false]);
      gateway.down = true;
      clock.advance(301_000);
      assert.equal(await sync.catchUp(), false);
      assert.deepEqual([sync.ageMs(), sync.isStale()], [301_000, true]);
      gateway.down = false;
      assert.equal(await sync.catchUp(), true);
      assert.equal(sync.isStale(), false);
    } finally {
      await sync.close();
      db.close();
    }
  });

  it('when the lane reopens its file, then keys, revocations, deny list, version and confirmation time are back', async () => {
    const clock = new ManualClock();
    const issuer = TestIssuer.around(clock.now());
    gateway.addTrustChange(issuer.keyAdd(1));
    gateway.addTrustChange({ at: 0, kind: 'deny.add', tokenId: 'ab'.repeat(16), reason: 'arrears' });
    gateway.addTrustChange(TestIssuer.around(clock.now(), 2).keyAdd(0));
    gateway.addTrustChange({ at: 0, kind: 'key.revoke', keyId: 2 });
    const first = open(clock);
    await first.sync.start();
    await first.sync.close();
    first.db.close();
    gateway.down = true;
    const second = open(clock);
    try {
      await second.sync.start();
      assert.equal(second.copy.version, 4);
      assert.equal(second.copy.isDenied('ab'.repeat(16)), true);
      assert.equal(second.copy.key(1)?.revoked, false);
      assert.equal(second.copy.key(2)?.revoked, true);
      assert.equal(second.sync.confirmedAt, clock.now());
    } finally {
      await second.sync.close();
      second.db.close();
    }
  });

  it('when a pushed change is old or not the next version, then it is not applied directly', async () => {
    const clock = new ManualClock();
    gateway.addTrustChange(TestIssuer.around(clock.now()).keyAdd(1));
    const { db, copy, sync } = open(clock);
    try {
      await sync.start();
      sync.handlePushed({ version: 1, at: 0, kind: 'deny.add', tokenId: 'cd'.repeat(16), reason: 'old' });
      sync.handlePushed({ version: 5, at: 0, kind: 'deny.add', tokenId: 'cd'.repeat(16), reason: 'gap' });
      await sync.catchUp();
      assert.equal(copy.version, 1);
      assert.equal(copy.isDenied('cd'.repeat(16)), false);
    } finally {
      await sync.close();
      db.close();
    }
  });
});
