import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { gatewayConfig } from '../../../gateway/config.js';
import { Gateway } from '../../../gateway/gateway.js';
import { rollupsCurrent } from '../../../gateway/reports/rebuildRollups.js';
import { startTestGateway, type TestGateway } from '../support.js';
import { DAY1, DAY2, rollupSnapshot, rollupsFromRawRows, seedReportScenario } from './reportSupport.js';

const run = promisify(execFile);

describe('report rollups: rebuilt from the raw tables', () => {
  let t: TestGateway;
  beforeEach(async () => {
    t = await startTestGateway();
    await seedReportScenario(t);
  });
  afterEach(async () => t.close());

  const denials = () => t.db.knex('report_lane_events_hourly').where({ kind: 'deny' }).orderBy('code').select('code', 'events');

  it('when the rollups are lost, then `npm run reports:rebuild` sums them again from the raw rows, keeping the lanes’ reported denials', async function () {
    this.timeout(60_000);
    const maintained = await rollupSnapshot(t.db.knex);
    const reported = await denials();
    for (const table of ['report_journeys_daily', 'report_journeys_hourly', 'report_passages_hourly']) await t.db.knex(table).delete();
    await t.db.knex('report_lane_events_hourly').where({ kind: 'exception' }).delete();
    assert.deepEqual(await rollupSnapshot(t.db.knex), []);
    const env = { ...process.env, DATABASE_URL: t.db.databaseUrl ?? '', TURNPIKE_DATABASE_SCHEMA: t.db.schema ?? '', TURNPIKE_SQLITE_FILE: t.db.sqliteFile };
    const { stdout } = await run('npm', ['run', '--silent', 'reports:rebuild'], { env });
    assert.match(stdout, /^report rollups rebuilt on .* \(Europe\/Paris, day ends 04:30\): \d+ groups read, \d+ rollup rows written in \d+ ms\n$/);
    assert.deepEqual(await rollupSnapshot(t.db.knex), maintained);
    assert.deepEqual(await denials(), reported);
  });

  it('when a gateway starts with another business-day cut-off, then it rebuilds the rollups for it, and the night journey moves to the day it now belongs to', async () => {
    const settings = { businessTimeZone: 'Europe/Paris', businessDayCutoff: '02:00' };
    assert.equal(await rollupsCurrent(t.db.knex, settings), false);
    const other = await new Gateway({ config: gatewayConfig({ httpPort: 0, sweepIntervalMs: 0, ...settings }), clock: t.clock, knex: t.db.knex }).start();
    try {
      assert.equal(await rollupsCurrent(t.db.knex, settings), true);
      assert.deepEqual(await rollupSnapshot(t.db.knex), await rollupsFromRawRows(t.db.knex, settings));
      const days = (await fetch(`${other.url}/api/operators/metro/reports/revenue?from=${DAY1}&to=${DAY2}`, { headers: { authorization: `Bearer ${t.api.token}` } }).then((response) => response.json())) as { rows: Array<{ key: string; journeys: number }> };
      assert.deepEqual(days.rows.map((row) => [row.key, row.journeys]), [[DAY1, 3], [DAY2, 2]]);
      assert.equal((await denials()).length, 2, 'reported denials are kept');
    } finally {
      await other.close();
    }
  });
});
