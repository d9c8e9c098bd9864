import assert from 'node:assert/strict';
import { lockKeysForTransaction } from '../../gateway/db/bulk.js';
import { lockForTransaction } from '../../gateway/db/locks.js';
import { openTestDatabase, services, type TestDatabase } from '../support/environment.js';
import { eventually } from '../support/testNetwork.js';

describe('per-key transaction locks (PostgreSQL)', function () {
  this.timeout(30_000);
  let db: TestDatabase;
  before(async function () {
    if (!services.databaseUrl) this.skip(); // SQLite has one writer and takes no locks
    db = await openTestDatabase();
  });
  after(async () => db?.close());

  const waitingAdvisoryLocks = async () => Number((await db.knex.raw("SELECT COUNT(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")).rows[0].n);

  it('when a batch holds many keys, then a transaction wanting any one of them waits until the batch ends, by itself or in another batch', async () => {
    for (const other of [(trx: any) => lockForTransaction(trx, 'token:b'), (trx: any) => lockKeysForTransaction(trx, ['token:z', 'token:b'])]) {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const batchLocked = new Promise<void>((resolve) => (locked = resolve));
      const batch = db.knex.transaction(async (trx) => {
        await lockKeysForTransaction(trx, ['token:a', 'token:b', 'token:c']);
        locked();
        await held;
      });
      await batchLocked;
      const events: string[] = [];
      const waiter = db.knex.transaction(async (trx) => {
        await other(trx);
        events.push('other locked');
      });
      await eventually(async () => (await waitingAdvisoryLocks()) >= 1, 5000, 'the other transaction to wait for the lock');
      events.push('batch ends');
      release();
      await Promise.all([batch, waiter]);
      assert.deepEqual(events, ['batch ends', 'other locked']);
    }
  });
});
