import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openDatabase } from '../../db/connect.js';
import { startSession, resolveSession } from '../../gateway/access/sessions.js';
import { temporaryDir } from '../support/environment.js';

const run = promisify(execFile);

/** `npm run staff` on its own SQLite file: one line out, exit 0 or 1. */
describe('npm run staff', function () {
  this.timeout(60_000);
  const dir = temporaryDir('turnpike-staff-');
  const sqliteFile = join(dir.path, 'gateway.sqlite');
  after(() => dir.remove());

  async function staff(args: string[], password?: string): Promise<{ code: number; out: string }> {
    const env = { ...process.env, DATABASE_URL: '', TURNPIKE_SQLITE_FILE: sqliteFile, TURNPIKE_PASSWORD_COST_LOG2: '10', TURNPIKE_STAFF_PASSWORD: password ?? '' };
    try {
      const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'ops/staffCommand.ts', ...args], { env });
      return { code: 0, out: (stdout + stderr).trim() };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, out: (failed.stdout + failed.stderr).trim() };
    }
  }

  it('when a user is added twice, a role is unknown or the password missing, then one line and exit 1; disabling ends their sessions', async () => {
    assert.deepEqual(await staff(['add', 'Alice', 'viewer'], 'a long enough password'), { code: 0, out: 'added alice: viewer of the network (every operator)' });
    assert.deepEqual(await staff(['add', 'alice', 'viewer'], 'a long enough password'), { code: 1, out: 'USERNAME_TAKEN: username alice is taken' });
    assert.match((await staff(['add', 'bob', 'boss'], 'a long enough password')).out, /^VALIDATION_FAILED: role: /);
    assert.equal((await staff(['add', 'bob', 'viewer'])).code, 1);
    assert.deepEqual(await staff(['disable', 'nobody']), { code: 1, out: 'STAFF_USER_NOT_FOUND: no active staff user nobody' });

    const knex = await openDatabase({ sqliteFile, poolMax: 1 });
    try {
      const alice = await knex('staff_users').where({ username: 'alice' }).first('id');
      const session = await startSession(knex, { kind: 'staff', id: alice.id }, { now: Date.now(), ttlS: 3600 });
      assert.ok(await resolveSession(knex, session.token, Date.now()));
      assert.deepEqual(await staff(['disable', 'alice']), { code: 0, out: 'disabled alice; their sessions are ended' });
      assert.equal(await resolveSession(knex, session.token, Date.now()), undefined);
    } finally {
      await knex.destroy();
    }
  });
});
