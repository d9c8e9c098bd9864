import assert from 'node:assert/strict';
import { join } from 'node:path';
import { uuidv7 } from '../../protocol/ids.js';
import { PROTOCOL_VERSION } from '../../protocol/messages.js';
import { DecisionJournal, type DecisionRecord } from '../../lanes/journal/journal.js';
import { openLaneDatabase, type LaneDatabase } from '../../lanes/journal/laneDatabase.js';
import { OutboxStore } from '../../lanes/outbox/outboxStore.js';
import { temporaryDir } from '../support/environment.js';

describe('lane journal and outbox', () => {
  let dir: ReturnType<typeof temporaryDir>;
  let db: LaneDatabase;
  let journal: DecisionJournal;
  let outbox: OutboxStore;

  beforeEach(() => {
    dir = temporaryDir('turnpike-lane-');
    db = openLaneDatabase(join(dir.path, 'lane.sqlite'));
    journal = new DecisionJournal(db, { laneId: 'M1-01', stationId: 'M1-01', mode: 'metro' });
    outbox = new OutboxStore(db);
  });
  afterEach(() => {
    db.close();
    dir.remove();
  });

  function decision(overrides: Partial<DecisionRecord> = {}): DecisionRecord {
    const id = uuidv7();
    const msgId = uuidv7();
    return {
      id,
      deviceId: 'M1-01-G1',
      msgId,
      tokenId: 'ab'.repeat(16),
      keyId: 1,
      fareClass: 0,
      direction: 'entry',
      action: 'open',
      reason: null,
      decidedAt: 1000,
      trustStale: false,
      command: { v: PROTOCOL_VERSION, msgId: uuidv7(), ts: 1000, replyTo: msgId, decisionId: id, action: 'open', message: 'Please pass', expiresAt: 3000, openForMs: 8000 },
      ...overrides,
    };
  }

  it('when an opening is confirmed, then the decision is passed and the passage is in the outbox with the next lane sequence', () => {
    const first = decision();
    const second = decision();
    journal.record(first);
    journal.record(second);
    const one = journal.confirmPassage(first.id, first.deviceId, 1500, false);
    const two = journal.confirmPassage(second.id, second.deviceId, 1600, true);
    assert.equal(one.kind, 'recorded');
    assert.equal(two.kind, 'recorded');
    assert.deepEqual(outbox.pending(10).map((row) => [row.laneSeq, row.passage.id, row.passage.tailgate]), [[1, first.id, false], [2, second.id, true]]);
    assert.equal(journal.find(first.id)?.state, 'passed');
    assert.equal(outbox.lastSeq(), 2);
  });

  it('when a confirmation is redelivered, then nothing changes', () => {
    const record = decision();
    journal.record(record);
    journal.confirmPassage(record.id, record.deviceId, 1500, false);
    assert.deepEqual(journal.confirmPassage(record.id, record.deviceId, 1500, false), { kind: 'duplicate' });
    assert.equal(outbox.backlog(), 1);
  });

  it('when a gate times out, then the decision is timed out and nothing reaches the outbox, even if a late pass follows', () => {
    const record = decision();
    journal.record(record);
    assert.equal(journal.timeOut(record.id, record.deviceId, 9000), 'timed_out');
    assert.equal(journal.timeOut(record.id, record.deviceId, 9000), 'duplicate');
    assert.deepEqual(journal.confirmPassage(record.id, record.deviceId, 9500, false), { kind: 'duplicate' });
    assert.equal(outbox.backlog(), 0);
  });

  it('when a confirmation names a denial, an unknown decision, or another device, then nothing is recorded', () => {
    const denied = decision({ action: 'deny', reason: 'CODE_STALE' });
    journal.record(denied);
    const opened = decision();
    journal.record(opened);
    assert.equal(journal.confirmPassage(denied.id, denied.deviceId, 1, false).kind, 'not_open');
    assert.equal(journal.confirmPassage(uuidv7(), 'M1-01-G1', 1, false).kind, 'unknown');
    assert.equal(journal.confirmPassage(opened.id, 'M1-01-G2', 1, false).kind, 'wrong_device');
    assert.equal(outbox.backlog(), 0);
  });

  it('when nobody confirms an opening in time, then it expires; a late confirmation still records the passage', () => {
    const record = decision({ decidedAt: 1000 });
    journal.record(record);
    assert.equal(journal.expireUnconfirmed(500, 20_000), 0);
    assert.equal(journal.expireUnconfirmed(1001, 20_000), 1);
    assert.equal(journal.find(record.id)?.state, 'expired');
    assert.equal(journal.confirmPassage(record.id, record.deviceId, 21_000, false).kind, 'recorded');
  });

  it('when the same scan message is recorded twice, then the journal refuses the second', () => {
    const record = decision();
    journal.record(record);
    assert.throws(() => journal.record({ ...record, id: uuidv7() }), /UNIQUE/);
    assert.equal(journal.findByMessage(record.deviceId, record.msgId)?.id, record.id);
  });

  it('when rows are marked sent or rejected, then they leave the pending backlog and keep their sequence', () => {
    const records = [decision(), decision(), decision()];
    for (const record of records) {
      journal.record(record);
      journal.confirmPassage(record.id, record.deviceId, 2000, false);
    }
    outbox.markSent([records[0].id], 3000);
    outbox.markRejected([{ id: records[1].id, code: 'X', message: 'no' }]);
    assert.deepEqual(outbox.pending(10).map((row) => row.laneSeq), [3]);
    assert.equal(outbox.rejectedCount(), 1);
    assert.equal(outbox.lastSeq(), 3);
  });
});
