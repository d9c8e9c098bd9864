import assert from 'node:assert/strict';
import { denialsSince } from '../../../gateway/reports/laneDenials.js';
import { startTestGateway, T0 } from '../support.js';

describe('denials counted from lane reports', () => {
  const previous = { countersSince: 100, laneTs: 5000, counts: { CODE_STALE: 4, TOKEN_DENIED: 1 } };

  it('when a lane reports for the first time, then every counter counts', () => {
    assert.deepEqual(denialsSince(undefined, { ts: 1, countersSince: 1 }, { CODE_STALE: 3 }), { CODE_STALE: 3 });
  });

  it('when counters grew since the last counted report, then only the growth counts, new reasons included', () => {
    assert.deepEqual(denialsSince(previous, { ts: 6000, countersSince: 100 }, { CODE_STALE: 6, TOKEN_DENIED: 1, KEY_UNKNOWN: 2 }), { CODE_STALE: 2, TOKEN_DENIED: 0, KEY_UNKNOWN: 2 });
  });

  it('when the lane restarted (a new countersSince, or a counter that went down without one), then its counters count in full', () => {
    assert.deepEqual(denialsSince(previous, { ts: 6000, countersSince: 200 }, { CODE_STALE: 5 }), { CODE_STALE: 5 });
    assert.deepEqual(denialsSince(previous, { ts: 6000, countersSince: undefined }, { CODE_STALE: 1, TOKEN_DENIED: 1 }), { CODE_STALE: 1, TOKEN_DENIED: 1 });
  });

  it('when a report is older than the one counted, then it counts nothing', () => {
    assert.equal(denialsSince(previous, { ts: 4000, countersSince: 100 }, { CODE_STALE: 9 }), undefined);
  });

  it('when a lane sends a report without deny counters (an older lane), then it is still accepted and counts nothing', async () => {
    const t = await startTestGateway();
    try {
      const report = { laneId: 'M1-01', stationId: 'M1-01', mode: 'metro', ts: T0, trustVersion: 1, trustAgeMs: 0, outboxBacklog: 0, journalSeq: 0, decisions: { opened: 0, denied: 3, passed: 0, timedOut: 0 }, invalidMessages: 0, hotStoreDegraded: false };
      assert.equal((await t.api.call('POST', '/api/lane/v1/status', report)).status, 204);
      assert.deepEqual(await t.db.knex('report_lane_events_hourly').select(), []);
      const bad = await t.api.call('POST', '/api/lane/v1/status', { ...report, deniedByReason: { 'not a code': 1 } });
      assert.deepEqual([bad.status, bad.body.error.code], [400, 'VALIDATION_FAILED']);
    } finally {
      await t.close();
    }
  });
});
