import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DecisionJournal, type DecisionRecord } from '../../lanes/journal/journal.js';
import { JournalDaySummary } from '../../lanes/journal/journalDaySummary.js';
import { openLaneDatabase, type LaneDatabase } from '../../lanes/journal/laneDatabase.js';
import { ManualClock } from '../../protocol/clock.js';
import { uuidv7 } from '../../protocol/ids.js';
import { journalDigest, type JournalDayPart } from '../../protocol/journalDays.js';
import type { PassageRecord } from '../../protocol/laneApi.js';
import { PROTOCOL_VERSION } from '../../protocol/messages.js';
import { passageFingerprint } from '../../protocol/passageFingerprint.js';
import { expandRanges } from '../../protocol/seqRanges.js';
import { Phone } from '../../simulator/people/phone.js';
import { dayOf, windowOf } from '../../gateway/settlement/businessDays.js';
import { GatewayClient } from '../../lanes/gatewayClient.js';
import { inThreadExchange } from '../../lanes/http/httpExchange.js';
import { silentLogger } from '../../lanes/log.js';
import { JournalDayReporter } from '../../lanes/status/journalDayReporter.js';
import { startTestGateway, T0, type TestGateway } from '../gateway/support.js';
import { DAY, dayWindow, endDay, gatePassage, TestLaneJournal } from '../gateway/settlement/support.js';
import { temporaryDir } from '../support/environment.js';
import { startLane, testLaneConfig, TestDevices, uniqueSiteId, waitFor } from './support/laneHarness.js';

const WINDOW = { day: '2026-01-05', fromMs: 1_000_000, toMs: 2_000_000 };

describe('lane journal days', function () {
  this.timeout(60_000);
  let dir: ReturnType<typeof temporaryDir>;
  let db: LaneDatabase;
  let journal: DecisionJournal;

  beforeEach(() => {
    dir = temporaryDir('turnpike-lane-');
    db = openLaneDatabase(join(dir.path, 'lane.sqlite'));
    journal = new DecisionJournal(db, { laneId: 'M1-01', stationId: 'M1-01', mode: 'metro' });
  });
  afterEach(() => {
    db.close();
    dir.remove();
  });

  /** A confirmed passage journaled the way the lane does it: decision, then the device's word. */
  function journalPassage(passedAt: number): PassageRecord {
    const id = uuidv7();
    const msgId = uuidv7();
    const decision: DecisionRecord = {
      id, deviceId: 'M1-01-G1', msgId, tokenId: 'ab'.repeat(16), keyId: 1, fareClass: 0, direction: 'entry', action: 'open', reason: null, decidedAt: passedAt - 200, trustStale: false,
      command: { v: PROTOCOL_VERSION, msgId: uuidv7(), ts: passedAt - 200, replyTo: msgId, decisionId: id, action: 'open', message: 'Please pass', expiresAt: passedAt, openForMs: 8000 },
    };
    journal.record(decision);
    const outcome = journal.confirmPassage(id, 'M1-01-G1', passedAt, false);
    assert.equal(outcome.kind, 'recorded');
    return (outcome as { passage: PassageRecord }).passage;
  }

  const entriesOf = (parts: JournalDayPart[]) => {
    const seqs = parts.flatMap((part) => expandRanges(part.ranges as Array<[number, number]>));
    return { seqs, ids: parts.flatMap((part) => part.ids), fingerprints: parts.flatMap((part) => part.fingerprints) };
  };

  it('when a day is summarised, then its passages come in sequence order with their fingerprints, in parts, and the others are elsewhere', async () => {
    const times = [900_000, 1_000_000, 1_500_000, 2_000_000, 1_999_999, 1_200_000, 2_500_000, 1_300_000];
    const passages = times.map(journalPassage);
    const summary = new JournalDaySummary(db, { laneId: 'M1-01', stationId: 'M1-01', mode: 'metro' }, 2);
    assert.deepEqual(summary.held(WINDOW), { count: 5, lastSeq: 8 });
    const parts = await summary.parts(WINDOW);
    assert.deepEqual(parts.map((part) => [part.part, part.parts, part.ranges]), [[0, 3, [[2, 3]]], [1, 3, [[5, 6]]], [2, 3, [[8, 8]]]]);
    assert.deepEqual([parts[0].count, parts[0].lastSeq, parts[0].previousSeq, parts[0].elsewhere], [5, 8, 1, [[4, 4], [7, 7]]]);
    const inDay = passages.filter((passage) => passage.passedAt >= WINDOW.fromMs && passage.passedAt < WINDOW.toMs);
    const { seqs, ids, fingerprints } = entriesOf(parts);
    assert.deepEqual(ids, inDay.map((passage) => passage.id));
    assert.deepEqual(fingerprints, inDay.map(passageFingerprint), 'the fingerprint kept at journaling is the one of the record as forwarded');
    assert.equal(parts[0].digest, journalDigest(parts[0], seqs, ids, fingerprints));
    const empty = await summary.parts({ day: '2026-01-04', fromMs: 0, toMs: 500_000 });
    assert.deepEqual(empty.map((part) => [part.count, part.parts, part.lastSeq, part.previousSeq, part.ids]), [[0, 1, 0, 0, []]]);
  });

  it('when a journal from before fingerprints were kept is opened, then its rows get their passage time and are fingerprinted when first reported', async () => {
    const passages = [1_100_000, 1_200_000].map(journalPassage);
    db.exec('DROP INDEX outbox_passed_at; ALTER TABLE outbox DROP COLUMN fingerprint; ALTER TABLE outbox DROP COLUMN passed_at; PRAGMA user_version = 2;');
    db.close();
    db = openLaneDatabase(join(dir.path, 'lane.sqlite'));
    assert.deepEqual(db.prepare('SELECT passed_at, fingerprint FROM outbox ORDER BY lane_seq').all(), passages.map((passage) => ({ passed_at: passage.passedAt, fingerprint: null })));
    const parts = await new JournalDaySummary(db, { laneId: 'M1-01', stationId: 'M1-01', mode: 'metro' }).parts(WINDOW);
    assert.deepEqual(parts[0].fingerprints, passages.map(passageFingerprint));
    assert.deepEqual(db.prepare('SELECT fingerprint FROM outbox ORDER BY lane_seq').all(), passages.map((passage) => ({ fingerprint: passageFingerprint(passage) })));
  });
});

describe('a lane reporting its journal days to the gateway', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let dir: ReturnType<typeof temporaryDir>;
  const cleanups: Array<() => Promise<void> | void> = [];

  beforeEach(async () => {
    t = await startTestGateway({ broker: true, clock: new ManualClock(Date.now()) });
    dir = temporaryDir('turnpike-lane-');
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await t?.close();
    dir.remove();
  });

  it('when the gateway cannot be reached in the middle of a day, then the lane sends the day again at the next round until it is held', async () => {
    t.clock.set(T0);
    const journal = new TestLaneJournal('M1-01', 'M1-01', 2);
    cleanups.push(() => journal.close());
    journal.append([1, 2, 3, 4, 5].map((seq) => gatePassage('M1-01', seq, dayWindow(t).fromMs + seq * 60_000)));
    endDay(t);
    let posts = 0;
    let cutPost = 2;
    const cutOnce: typeof fetch = async (input, init) => {
      if (init?.method === 'POST' && ++posts === cutPost) throw new TypeError('fetch failed: connection reset');
      return fetch(input, init);
    };
    const gateway = new GatewayClient({ gatewayUrl: t.gateway.url, timeoutMs: 2000, exchange: inThreadExchange(cutOnce) });
    cleanups.push(() => gateway.close());
    const reporter = new JournalDayReporter('M1-01', journal.summary, gateway, { intervalMs: 60_000, logger: silentLogger });
    cleanups.push(() => reporter.close());
    assert.deepEqual(await reporter.report(), []);
    assert.equal(reporter.failures, 1);
    assert.equal(await t.db.knex('lane_journal_days').where({ lane_id: 'M1-01', day: DAY }).first(), undefined);
    cutPost = -1;
    const sent = await reporter.report();
    assert.ok(sent.includes(DAY), `sent ${sent.join(', ')}`);
    assert.equal(Number((await t.db.knex('lane_journal_days').where({ lane_id: 'M1-01', day: DAY }).first('count'))?.count), 5);
    assert.deepEqual(await reporter.report(), [], 'held as the lane has it: not sent again');
  });

  it('when riders pass a real lane and its day ends, then the lane reports the day and the statement reconciles it, naming a passage the gateway lost', async () => {
    const siteId = uniqueSiteId('S');
    await t.db.knex('sites').insert({ id: siteId, operator_id: 'metro', name: 'Test station', mode: 'metro', line: 'M1', order: 99, device_ids: '[]' });
    const lane = await startLane({ config: testLaneConfig({ siteId, gatewayUrl: t.gateway.url, mqttUrl: t.broker!.url, journalDir: dir.path, outboxLingerMs: 0 }) });
    cleanups.push(() => lane.close());
    const devices = await TestDevices.connect(t.broker!.url, siteId);
    cleanups.push(() => devices.close());
    const riders = 3;
    for (let index = 0; index < riders; index++) {
      const rider = (await t.api.call('POST', '/api/riders', { name: `Rider ${index}` })).body;
      const phone = new Phone();
      await phone.enrol(t.gateway.url, rider.id, rider.accessToken);
      const command = await devices.scan(`${siteId}-G1`, { code: phone.code() }, 'entry');
      assert.equal(command.action, 'open', command.reason);
      await devices.passage(`${siteId}-G1`, command.decisionId);
    }
    await waitFor(() => lane.stats().journalSeq === riders, 'the passages journaled');
    await lane.outboxDrained();
    const stored = await t.db.knex('passages').where({ lane_id: siteId }).orderBy('lane_seq').select('id', 'passed_at');
    assert.equal(stored.length, riders);

    const day = windowOf(t.gateway.config, dayOf(t.gateway.config, Number(stored[0].passed_at)));
    t.clock.set(day.toMs + 60_000);
    assert.ok((await lane.reportJournalDays()).includes(day.day));
    assert.deepEqual(await lane.reportJournalDays(), [], 'a day the gateway holds as the lane has it is not sent again');
    const clean = (await t.api.call('GET', `/api/operators/metro/settlement/${day.day}`)).body;
    const ours = clean.lanes.find((summary: any) => summary.laneId === siteId);
    assert.deepEqual([ours.reported, ours.laneCount, ours.gatewayCount, ours.matched, ours.exceptions], [true, riders, riders, riders, 0]);

    await t.db.knex('passages').where({ id: stored[1].id }).delete();
    const after = (await t.api.call('GET', `/api/operators/metro/settlement/${day.day}`)).body;
    assert.deepEqual(after.exceptions.filter((e: any) => e.laneId === siteId).map((e: any) => [e.code, e.seq, e.passageId]), [['MISSING_AT_GATEWAY', 2, stored[1].id]]);
  });
});
