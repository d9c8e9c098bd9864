import assert from 'node:assert/strict';
import { uuidv7 } from '../../../protocol/ids.js';
import type { PassageRecord } from '../../../protocol/laneApi.js';
import { startTestGateway, type TestGateway } from '../support.js';
import { DAY, dayWindow, endDay, exceptionTuples, gatePassage, NEXT_DAY, sendBatches, TestLaneJournal } from './support.js';

describe('settlement: lane journals reconciled with what the gateway holds', function () {
  this.timeout(60_000);
  let t: TestGateway;
  const journals: TestLaneJournal[] = [];

  beforeEach(async () => (t = await startTestGateway()));
  afterEach(async () => {
    for (const journal of journals.splice(0)) journal.close();
    await t?.close();
  });

  function journalOf(laneId: string, entriesPerPart?: number): TestLaneJournal {
    const journal = new TestLaneJournal(laneId, laneId, entriesPerPart);
    journals.push(journal);
    return journal;
  }

  /** n passages of a lane, seq 1..n, a minute apart from 09:00 on DAY. */
  function dayOfPassages(laneId: string, n: number): PassageRecord[] {
    return Array.from({ length: n }, (_unused, index) => gatePassage(laneId, index + 1, t.clock.now() + index * 60_000));
  }

  async function statement(day = DAY) {
    const answer = await t.api.call('GET', `/api/operators/metro/settlement/${day}`);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body;
  }

  it('when a lane reports a day whose every passage the gateway holds alike, then its lane is reconciled with no exception', async () => {
    const passages = dayOfPassages('M1-01', 20);
    await sendBatches(t.api, passages);
    const journal = journalOf('M1-01', 7);
    journal.append(passages);
    endDay(t);
    const receipt = await journal.report(t.api, dayWindow(t));
    assert.deepEqual([receipt.complete, receipt.parts], [true, 3]);
    const body = await statement();
    assert.deepEqual(body.exceptions, []);
    assert.deepEqual(body.lanes.map((lane: any) => [lane.laneId, lane.reported, lane.laneCount, lane.gatewayCount, lane.matched]), [['M1-01', true, 20, 20, 20]]);
    assert.equal(body.totals.passages, 20);
    assert.equal(body.state, 'draft');
  });

  it('when records are missing, altered, duplicated, unknown or skipped on either side, then exactly those are listed, each once', async () => {
    const passages = dayOfPassages('M1-01', 30);
    // The lane journaled seq 25 as a second copy of seq 24's passage.
    passages[24] = { ...passages[23], id: uuidv7(), laneSeq: 25 };
    const journal = journalOf('M1-01');
    journal.append(passages);
    journal.remove(15, 16, 20);
    const atGateway = passages.filter((passage) => ![5, 6, 15, 16].includes(passage.laneSeq));
    const copy = { ...passages[11], id: uuidv7(), laneSeq: 31 };
    const stranger = gatePassage('M1-01', 32, passages[29].passedAt + 60_000);
    await sendBatches(t.api, [...atGateway, copy, stranger]);
    await t.db.knex('passages').where({ id: passages[9].id }).update({ token_id: 'f'.repeat(32) });
    endDay(t);
    await journal.report(t.api, dayWindow(t));

    const body = await statement();
    const id = (seq: number) => passages[seq - 1].id;
    assert.deepEqual(exceptionTuples(body), [
      `ALTERED M1-01 10 ${id(10)}`,
      `DUPLICATE M1-01 25 ${id(25)}`,
      `DUPLICATE M1-01 31 ${copy.id}`,
      `MISSING_AT_GATEWAY M1-01 5 ${id(5)}`,
      `MISSING_AT_GATEWAY M1-01 6 ${id(6)}`,
      'SEQUENCE_GAP M1-01 15..16 -',
      `UNKNOWN_TO_LANE M1-01 20 ${id(20)}`,
      `UNKNOWN_TO_LANE M1-01 32 ${stranger.id}`,
    ].sort());
    const duplicate = body.exceptions.find((e: any) => e.seq === 31);
    assert.equal(duplicate.relatedPassageId, id(12), 'a duplicate names the passage it repeats');
    assert.deepEqual(body.lanes.map((lane: any) => [lane.laneCount, lane.gatewayCount, lane.matched, lane.exceptions]), [[27, 28, 24, 8]]);
    assert.deepEqual(body.totals.exceptionsByCode, { ALTERED: 1, DUPLICATE: 2, MISSING_AT_GATEWAY: 2, SEQUENCE_GAP: 1, UNKNOWN_TO_LANE: 2 });
  });

  it('when a lane holds passages the gateway stored under another number, then the difference is ALTERED and names both ids', async () => {
    const passages = dayOfPassages('M1-01', 3);
    const journal = journalOf('M1-01');
    journal.append(passages);
    // A journal restored from an old backup numbered a new passage 3 again: the gateway kept its own.
    const other = gatePassage('M1-01', 3, passages[2].passedAt + 1000);
    await sendBatches(t.api, [passages[0], passages[1], other]);
    endDay(t);
    await journal.report(t.api, dayWindow(t));
    const body = await statement();
    assert.deepEqual(body.exceptions.map((e: any) => [e.code, e.seq, e.passageId, e.relatedPassageId]), [['ALTERED', 3, passages[2].id, other.id]]);
  });

  it('when a lane sent passages but no journal report, then it is LANE_NOT_REPORTED and nothing of it is reconciled silently', async () => {
    await sendBatches(t.api, dayOfPassages('M1-01', 4));
    const journal = journalOf('M1-02');
    const reported = dayOfPassages('M1-02', 2);
    await sendBatches(t.api, reported);
    journal.append(reported);
    endDay(t);
    await journal.report(t.api, dayWindow(t));
    const body = await statement();
    assert.deepEqual(body.exceptions.map((e: any) => [e.code, e.laneId, e.seq]), [['LANE_NOT_REPORTED', 'M1-01', null]]);
    assert.deepEqual(body.lanes.map((lane: any) => [lane.laneId, lane.reported, lane.gatewayCount]), [['M1-01', false, 4], ['M1-02', true, 2]]);
    assert.deepEqual([body.totals.lanes, body.totals.lanesReported], [2, 1]);
  });

  it('when lanes are running but silent about a day, then those that existed by its end are LANE_NOT_REPORTED and a newer one is not', async () => {
    const status = (laneId: string) => ({ laneId, stationId: laneId, mode: 'metro', ts: t.clock.now(), trustVersion: 1, trustAgeMs: 0, outboxBacklog: 0, journalSeq: 1, decisions: { opened: 0, denied: 0, passed: 0, timedOut: 0 }, invalidMessages: 0, hotStoreDegraded: false });
    await sendBatches(t.api, [gatePassage('M1-03', 1, dayWindow(t).fromMs - 3_600_000)]);
    await sendBatches(t.api, [gatePassage('M1-05', 1, dayWindow(t).toMs + 3_600_000)]);
    endDay(t);
    for (const laneId of ['M1-03', 'M1-05']) assert.equal((await t.api.call('POST', '/api/lane/v1/status', status(laneId))).status, 204);
    const body = await statement();
    assert.deepEqual(body.exceptions.map((e: any) => [e.code, e.laneId, e.detail]), [['LANE_NOT_REPORTED', 'M1-03', 'the gateway holds 0 passages of this lane for the day']]);
  });

  it('when passage times straddle the cut-off out of sequence order, then each day holds its own passages and neither lists a gap', async () => {
    const { toMs } = dayWindow(t);
    const late = [1, 2, 3, 5, 7].map((seq) => gatePassage('M1-01', seq, toMs - 10_000 + seq));
    // A device that reported late: seq 4 and 6 passed after the cut-off, yet were journaled before 5 and 7.
    const early = [4, 6, 8, 9].map((seq) => gatePassage('M1-01', seq, toMs + 5_000 + seq));
    const all = [...late, ...early].sort((a, b) => a.laneSeq - b.laneSeq);
    await sendBatches(t.api, all);
    const journal = journalOf('M1-01');
    journal.append(all);
    endDay(t, NEXT_DAY);
    for (const day of [DAY, NEXT_DAY]) await journal.report(t.api, dayWindow(t, day));
    const [first, second] = [await statement(DAY), await statement(NEXT_DAY)];
    assert.deepEqual([first.exceptions, second.exceptions], [[], []]);
    assert.deepEqual([first.lanes[0].matched, second.lanes[0].matched], [5, 4]);
    const parts = await journal.parts(dayWindow(t, NEXT_DAY));
    assert.deepEqual([parts[0].previousSeq, parts[0].elsewhere], [3, [[5, 5], [7, 7]]]);
  });

  it("when the gateway's copy of a passage moved to another day, then it is listed once, on the day the gateway holds it", async () => {
    const passages = dayOfPassages('M1-01', 5);
    const journal = journalOf('M1-01');
    journal.append(passages);
    await sendBatches(t.api, passages);
    await t.db.knex('passages').where({ id: passages[2].id }).update({ passed_at: dayWindow(t).toMs + 1000 });
    endDay(t, NEXT_DAY);
    for (const day of [DAY, NEXT_DAY]) await journal.report(t.api, dayWindow(t, day));
    const [first, second] = [await statement(DAY), await statement(NEXT_DAY)];
    assert.deepEqual(first.exceptions, []);
    assert.deepEqual(second.exceptions.map((e: any) => [e.code, e.seq, e.passageId]), [['UNKNOWN_TO_LANE', 3, passages[2].id]]);
  });

  it('when the lane lost the passages after its last report day began, then the gap before its first passage of the day is listed', async () => {
    const passages = dayOfPassages('M1-01', 10);
    const journal = journalOf('M1-01');
    journal.append(passages);
    journal.remove(1, 2, 3);
    await sendBatches(t.api, passages.slice(3));
    endDay(t);
    await journal.report(t.api, dayWindow(t));
    const body = await statement();
    assert.deepEqual(exceptionTuples(body), ['SEQUENCE_GAP M1-01 1..3 -']);
  });
});
