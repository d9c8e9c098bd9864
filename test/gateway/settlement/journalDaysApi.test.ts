import assert from 'node:assert/strict';
import { laneApiTokenOf } from '../../../protocol/mqttAccess.js';
import type { JournalDayPart } from '../../../protocol/journalDays.js';
import { startTestGateway, type TestGateway } from '../support.js';
import { DAY, dayWindow, endDay, gatePassage, NEXT_DAY, TestLaneJournal } from './support.js';

const SECRET = 'settlement-test-secret-0123456789';

describe('lane API: journal days', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let journal: TestLaneJournal;

  beforeEach(async () => {
    t = await startTestGateway({ config: { mqttSecret: SECRET } });
    journal = new TestLaneJournal('M1-01', 'M1-01', 4);
    journal.append(Array.from({ length: 10 }, (_unused, index) => gatePassage('M1-01', index + 1, t.clock.now() + index * 1000)));
  });
  afterEach(async () => {
    journal.close();
    await t?.close();
  });

  async function call(method: string, path: string, body?: unknown, laneId = 'M1-01') {
    const response = await fetch(`${t.gateway.url}/api/lane/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${laneApiTokenOf(SECRET, laneId)}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  }

  const send = async (parts: JournalDayPart[]) => {
    const answers = [];
    for (const part of parts) answers.push(await call('POST', '/journal-days', part));
    return answers;
  };

  it('when a lane asks which days to report, then it gets the ended business days, newest first, with what is held of each', async () => {
    endDay(t);
    const before = await call('GET', '/journal-days?laneId=M1-01');
    assert.equal(before.status, 200);
    assert.equal(before.body.days.length, 7);
    assert.deepEqual(before.body.days[0], { ...dayWindow(t), held: null });
    assert.equal(before.body.days[1].day, '2026-01-04');
    const parts = await journal.parts(dayWindow(t));
    const answers = await send(parts);
    assert.deepEqual(answers.map((answer) => [answer.status, answer.body.complete, answer.body.partsHeld]), [[200, false, 1], [200, false, 2], [200, true, 3]]);
    const after = await call('GET', '/journal-days?laneId=M1-01');
    assert.deepEqual(after.body.days[0].held, { count: 10, lastSeq: 10, digest: parts[0].digest });
  });

  it('when a complete report is sent again, or a newer one replaces it, then the gateway holds the newest once', async () => {
    endDay(t);
    const parts = await journal.parts(dayWindow(t));
    await send(parts);
    const again = await send(parts);
    assert.ok(again.every((answer) => answer.status === 200 && answer.body.complete));
    journal.append([gatePassage('M1-01', 11, t.clock.now() - 3_600_000)]);
    const newer = await journal.parts(dayWindow(t));
    assert.notEqual(newer[0].digest, parts[0].digest);
    await send(newer);
    const held = await t.db.knex('lane_journal_days').where({ lane_id: 'M1-01', day: DAY }).select('count', 'digest');
    assert.deepEqual(held.map((row) => [Number(row.count), row.digest]), [[11, newer[0].digest]]);
    const kept = await t.db.knex('lane_journal_parts').where({ lane_id: 'M1-01', day: DAY }).distinct('digest');
    assert.deepEqual(kept.map((row) => row.digest), [newer[0].digest], 'the parts of the replaced report are dropped');
  });

  it('when parts do not add up to their digest, then the report is refused, dropped and the earlier one kept', async () => {
    endDay(t);
    const good = await journal.parts(dayWindow(t));
    await send(good);
    const forged = (await journal.parts(dayWindow(t))).map((part) => ({ ...part, digest: 'a'.repeat(32) }));
    forged[1] = { ...forged[1], fingerprints: forged[1].fingerprints.map(() => '0'.repeat(16)) };
    const answers = await send(forged);
    assert.deepEqual(answers.map((answer) => answer.status), [200, 200, 422]);
    assert.equal(answers[2].body.error.code, 'JOURNAL_REPORT_INVALID');
    const held = await t.db.knex('lane_journal_days').where({ lane_id: 'M1-01', day: DAY }).first('digest');
    assert.equal(held.digest, good[0].digest);
    assert.equal(Number((await t.db.knex('lane_journal_parts').where({ digest: 'a'.repeat(32) }).count({ n: '*' }).first())?.n), 0);
  });

  it('when a part is malformed, for a day not over, with the wrong bounds or for another lane, then it is refused with a specific error', async () => {
    const [part] = await journal.parts(dayWindow(t, NEXT_DAY));
    const notOver = await call('POST', '/journal-days', part);
    assert.deepEqual([notOver.status, notOver.body.error.code], [409, 'SETTLEMENT_DAY_NOT_OVER']);
    endDay(t);
    const [first] = await journal.parts(dayWindow(t));
    const cases: Array<[unknown, number, string, string?]> = [
      [{ ...first, fromMs: first.fromMs + 1 }, 422, 'JOURNAL_REPORT_INVALID'],
      [{ ...first, ids: first.ids.slice(1) }, 400, 'VALIDATION_FAILED', 'ids'],
      [{ ...first, part: 3, parts: 3 }, 400, 'VALIDATION_FAILED', 'part'],
      [{ ...first, ranges: [[3, 4], [1, 2]] }, 400, 'VALIDATION_FAILED', 'ranges'],
      [{ ...first, elsewhere: [[0, 1]] }, 400, 'VALIDATION_FAILED'],
      [{ ...first, fingerprints: first.fingerprints.map(() => 'not hex') }, 400, 'VALIDATION_FAILED'],
      [{ ...first, day: '2026-13-01' }, 400, 'VALIDATION_FAILED', 'day'],
      [{ ...first, laneId: 'M1-02', stationId: 'M1-02' }, 403, 'LANE_FORBIDDEN'],
    ];
    for (const [body, status, code, path] of cases) {
      const answer = await call('POST', '/journal-days', body);
      assert.deepEqual([answer.status, answer.body.error?.code], [status, code], JSON.stringify(answer.body).slice(0, 300));
      if (path) assert.ok(answer.body.error.details.some((detail: { path: string }) => detail.path === path), JSON.stringify(answer.body.error.details));
    }
    assert.deepEqual(await call('GET', '/journal-days?laneId=M1-02').then((answer) => [answer.status, answer.body.error.code]), [403, 'LANE_FORBIDDEN']);
    assert.deepEqual(await call('GET', '/journal-days').then((answer) => [answer.status, answer.body.error.code]), [400, 'VALIDATION_FAILED']);
    assert.equal(Number((await t.db.knex('lane_journal_parts').count({ n: '*' }).first())?.n), 0, 'nothing refused was kept');
  });
});
