import assert from 'node:assert/strict';
import { enrolRider, passage, startTestGateway, T0, type TestGateway } from './support.js';

describe('gateway passage ingest', () => {
  let t: TestGateway;
  beforeEach(async () => (t = await startTestGateway()));
  afterEach(async () => t.close());

  it('when the same batch is sent twice, then every id is accepted both times and stored once', async () => {
    const rider = await enrolRider(t.api);
    const batch = { laneId: 'M1-01', passages: [passage(rider.tokenId, 'M1-01', 'entry', T0), passage('ab'.repeat(16), 'M1-01', 'entry', T0 + 1000)] };
    const first = await t.api.call('POST', '/api/lane/v1/passages', batch);
    const again = await t.api.call('POST', '/api/lane/v1/passages', batch);
    assert.equal(first.status, 200);
    assert.deepEqual(first.body, { accepted: batch.passages.map((p) => p.id), rejected: [] });
    assert.deepEqual(again.body, first.body);
    const rows = await t.db.knex('passages').count({ n: '*' }).first();
    assert.equal(Number(rows?.n), 2);
    const journeys = await t.db.knex('journeys').count({ n: '*' }).first();
    assert.equal(Number(journeys?.n), 2, 'one open journey per token, not one per attempt');
  });

  it('when a stored id is sent again with different content, then it is rejected with PASSAGE_CONFLICT and nothing changes', async () => {
    const original = passage('cd'.repeat(16), 'M1-02', 'entry', T0);
    await t.api.call('POST', '/api/lane/v1/passages', { laneId: 'M1-02', passages: [original] });
    const altered = { ...original, passedAt: original.passedAt + 5 };
    const answer = await t.api.call('POST', '/api/lane/v1/passages', { laneId: 'M1-02', passages: [altered] });
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body.accepted, []);
    assert.equal(answer.body.rejected[0].id, original.id);
    assert.equal(answer.body.rejected[0].code, 'PASSAGE_CONFLICT');
    const stored = await t.db.knex('passages').where({ id: original.id }).first();
    assert.equal(Number(stored.passed_at), original.passedAt);
  });

  it('when another id reuses a lane sequence number or names another lane, then it is rejected with its own code', async () => {
    const first = passage('ef'.repeat(16), 'M1-03', 'entry', T0);
    await t.api.call('POST', '/api/lane/v1/passages', { laneId: 'M1-03', passages: [first] });
    const sameSeq = { ...passage('ef'.repeat(16), 'M1-03', 'exit', T0 + 60_000), laneSeq: first.laneSeq };
    const otherLane = passage('ef'.repeat(16), 'M1-04', 'exit', T0 + 60_000);
    const answer = await t.api.call('POST', '/api/lane/v1/passages', { laneId: 'M1-03', passages: [sameSeq, otherLane] });
    assert.deepEqual(
      answer.body.rejected.map((r: { id: string; code: string }) => [r.id, r.code]).sort(),
      [
        [sameSeq.id, 'LANE_SEQ_CONFLICT'],
        [otherLane.id, 'LANE_MISMATCH'],
      ].sort(),
    );
  });

  it('when a batch does not match the schema, then it is answered VALIDATION_FAILED with the issues', async () => {
    const bad = { ...passage('01'.repeat(16), 'M1-01', 'entry', T0), tokenId: 'not-hex' };
    const answer = await t.api.call('POST', '/api/lane/v1/passages', { laneId: 'M1-01', passages: [bad] });
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error.code, 'VALIDATION_FAILED');
    assert.ok(answer.body.error.details.some((issue: { path: string }) => issue.path === 'passages.0.tokenId'));
    const empty = await t.api.call('POST', '/api/lane/v1/passages', { laneId: 'M1-01', passages: [] });
    assert.equal(empty.body.error.code, 'VALIDATION_FAILED');
  });
});
