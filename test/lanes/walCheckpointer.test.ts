import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { WalCheckpointer } from '../../lanes/journal/walCheckpointer.js';
import { temporaryDir } from '../support/environment.js';

function writeRows(db: Database.Database, count: number): void {
  const insert = db.prepare('INSERT INTO t (payload) VALUES (?)');
  for (let i = 0; i < count; i++) insert.run('x'.repeat(2000));
}

describe('journal WAL checkpoints off the event loop', function () {
  this.timeout(20_000);

  it('when the lane never checkpoints itself, then the worker keeps the WAL from growing', async () => {
    const dir = temporaryDir('turnpike-wal-');
    const file = join(dir.path, 'journal.sqlite');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, payload TEXT)');
    const errors: string[] = [];
    const checkpointer = new WalCheckpointer(file, 20, (error) => errors.push(error));
    try {
      // Without a checkpoint, 4,000 one-row commits of 2 kB leave a WAL of about 33 MB (measured:
      // two 4 kB pages and their frame headers each). The WAL file never shrinks, so it keeps the
      // largest size a lag of the worker ever let it reach: on a loaded machine that passes 4 MB.
      checkpointer.start();
      for (let round = 0; round < 40; round++) {
        writeRows(db, 100);
        await sleep(30);
      }
      const walBytes = statSync(`${file}-wal`).size;
      assert.ok(walBytes < 8_000_000, `WAL is ${walBytes} bytes`);
      assert.deepEqual(errors, []);
      assert.equal((db.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n, 4000);
    } finally {
      await checkpointer.close();
      db.close();
      dir.remove();
    }
  });
});
