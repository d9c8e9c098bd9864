import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { checkLedger } from '../../../gateway/ledger/consistencyChecks.js';
import { enrolRider, startTestGateway, type TestGateway } from '../support.js';
import { rideBus, rideMetro, topUp } from '../moneySupport.js';

const run = promisify(execFile);

describe('ledger: npm run ledger:check', () => {
  let t: TestGateway;
  beforeEach(async () => (t = await startTestGateway({ config: { arrearsGraceS: 0 } })));
  afterEach(async () => t.close());

  /** The command as an operator runs it, against the test's database. */
  const ledgerCheck = async (): Promise<{ code: number; lines: string[] }> => {
    const env = { ...process.env, DATABASE_URL: t.db.databaseUrl ?? '', TURNPIKE_DATABASE_SCHEMA: t.db.schema ?? '', TURNPIKE_SQLITE_FILE: t.db.sqliteFile };
    try {
      const { stdout } = await run('npm', ['run', '--silent', 'ledger:check'], { env });
      return { code: 0, lines: stdout.trim().split('\n') };
    } catch (error) {
      const failed = error as { code: number; stdout: string };
      return { code: failed.code, lines: failed.stdout.trim().split('\n') };
    }
  };

  it('when the live database is consistent, then the command proves it and exits 0; when a problem is planted, then it exits 1 with one line per problem', async function () {
    this.timeout(60_000);
    const rider = await enrolRider(t.api, { payLaterLimitMinor: 0 });
    await topUp(t.api, rider.riderId, 300, 'c1');
    await rideMetro(t, rider, 'M1-01', 'M1-05');
    await rideBus(t, rider);
    await topUp(t.api, rider.riderId, 1000, 'c2');
    const ok = await ledgerCheck();
    assert.equal(ok.code, 0, ok.lines.join('\n'));
    assert.match(ok.lines[0], /^ledger ok on .*: \d+ postings/);

    // Plant two problems the way only a broken writer could: an unbalanced posting, and a journey
    // whose charged amount the ledger does not hold. (Inserts: the ledger refuses updates.)
    await t.db.knex('postings').insert({ id: 'planted', idempotency_key: 'charge:planted', kind: 'charge', currency: 'EUR', created_at: 1, description: 'planted' });
    await t.db.knex('ledger_entries').insert({ posting_id: 'planted', account_id: 'operator_revenue:bus:EUR', amount_minor: 7 });
    const journey = await t.db.knex('journeys').where({ rider_id: rider.riderId }).first('id');
    await t.db.knex('journeys').where({ id: journey.id }).update({ charged_minor: 1 });
    const bad = await ledgerCheck();
    assert.equal(bad.code, 1);
    assert.deepEqual(bad.lines.map((line) => line.split(' ')[0]).sort(), ['JOURNEY_DRIFT', 'LEDGER_NOT_ZERO', 'UNBALANCED']);
    assert.deepEqual(bad.lines.sort(), (await checkLedger(t.db.knex)).sort());
  });
});
