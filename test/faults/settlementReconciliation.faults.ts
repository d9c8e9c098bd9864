import assert from 'node:assert/strict';
import { chunks } from '../../gateway/db/bulk.js';
import { passageToRow } from '../../gateway/passages/passageRecords.js';
import { uuidv7 } from '../../protocol/ids.js';
import type { PassageRecord } from '../../protocol/laneApi.js';
import { startTestGateway, type TestGateway } from '../gateway/support.js';
import { DAY, dayWindow, endDay, exceptionTuples, gatePassage, TestLaneJournal } from '../gateway/settlement/support.js';
import { randomFor, scale, seed, timeoutFor } from './support/scenario.js';

/**
 * Settlement at the size of a busy day: 50,000 passages (200,000 with FAULT_SCALE=full) over two
 * lanes, whose journals the lanes report through the lane API in parts, while the gateway's rows
 * carry injected faults: passages it never got, passages stored twice under a second number, and
 * passages whose stored content was changed. The reconciliation must list exactly those.
 */
const PASSAGES = scale.name === 'full' ? 200_000 : 50_000;
const LANES = [{ laneId: 'M1-01', share: 0.96 }, { laneId: 'M1-02', share: 0.04 }];
const INJECTED = { missing: 40, duplicated: 30, altered: 30 };

describe('settlement reconciliation of a day at scale with injected faults', function () {
  this.timeout(timeoutFor(300_000));
  const random = randomFor('settlementReconciliation');
  let t: TestGateway | undefined;
  const journals: TestLaneJournal[] = [];

  after(async () => {
    for (const journal of journals) journal.close();
    await t?.close();
  });

  /** Distinct random picks from a list, reproducible from the run's seed. */
  function pick<T>(from: T[], count: number): T[] {
    const pool = [...from];
    const out: T[] = [];
    while (out.length < count) out.push(pool.splice(Math.floor(random() * pool.length), 1)[0]);
    return out;
  }

  it(`when a day of ${PASSAGES} passages is reconciled with ${INJECTED.missing} missing, ${INJECTED.duplicated} duplicated and ${INJECTED.altered} altered records, then exactly those are listed`, async () => {
    t = await startTestGateway();
    const window = dayWindow(t);
    const expected: string[] = [];
    const rows: Array<Record<string, unknown>> = [];
    const byLane = new Map<string, PassageRecord[]>();
    for (const { laneId, share } of LANES) {
      const count = Math.round(PASSAGES * share);
      const stepMs = Math.floor((window.toMs - window.fromMs - 1000) / count);
      const passages = Array.from({ length: count }, (_unused, index) => gatePassage(laneId, index + 1, window.fromMs + 500 + index * stepMs, { deviceId: `${laneId}-G${(index % 4) + 1}` }));
      byLane.set(laneId, passages);
    }
    // The faults go to the big lane, and one of each to the small one.
    for (const [laneId, passages] of byLane) {
      const big = laneId === LANES[0].laneId;
      const counts = big ? { missing: INJECTED.missing - 1, duplicated: INJECTED.duplicated - 1, altered: INJECTED.altered - 1 } : { missing: 1, duplicated: 1, altered: 1 };
      const chosen = pick(passages, counts.missing + counts.duplicated + counts.altered);
      const missing = new Set(chosen.slice(0, counts.missing));
      const altered = new Set(chosen.slice(counts.missing, counts.missing + counts.altered));
      const originals = chosen.slice(counts.missing + counts.altered);
      for (const passage of passages) {
        if (missing.has(passage)) {
          expected.push(`MISSING_AT_GATEWAY ${laneId} ${passage.laneSeq} ${passage.id}`);
          continue;
        }
        const stored = altered.has(passage) ? { ...passage, fareClass: passage.fareClass + 1 } : passage;
        if (altered.has(passage)) expected.push(`ALTERED ${laneId} ${passage.laneSeq} ${passage.id}`);
        rows.push(passageToRow(stored, window.fromMs));
      }
      // A replayed record: the same passage stored again under a number and id the lane never used.
      originals.forEach((original, index) => {
        const copy = { ...original, id: uuidv7(), laneSeq: passages.length + 1 + index };
        expected.push(`DUPLICATE ${laneId} ${copy.laneSeq} ${copy.id}`);
        rows.push(passageToRow(copy, window.fromMs));
      });
    }
    const started = Date.now();
    for (const part of chunks(rows, 500)) await t.db.knex('passages').insert(part);
    const storedMs = Date.now() - started;

    endDay(t);
    const reportStarted = Date.now();
    let parts = 0;
    for (const [laneId, passages] of byLane) {
      const journal = new TestLaneJournal(laneId);
      journals.push(journal);
      journal.append(passages);
      const receipt = await journal.report(t.api, window);
      assert.ok(receipt.complete);
      parts += receipt.parts;
    }
    const reportMs = Date.now() - reportStarted;

    const statementStarted = Date.now();
    const answer = await t.api.call('GET', `/api/operators/metro/settlement/${DAY}`);
    const statementMs = Date.now() - statementStarted;
    assert.equal(answer.status, 200, JSON.stringify(answer.body).slice(0, 300));
    const closeStarted = Date.now();
    const closed = await t.api.call('POST', `/api/operators/metro/settlement/${DAY}/close`);
    const closeMs = Date.now() - closeStarted;
    console.log(`      settlement at scale [seed ${seed}, ${scale.name}]: ${JSON.stringify({ passages: PASSAGES, gatewayRows: rows.length, reportParts: parts, storedMs, reportMs, statementMs, closeMs, exceptions: answer.body.exceptions.length })}`);

    assert.deepEqual(exceptionTuples(answer.body), expected.sort());
    assert.equal(answer.body.totals.lanePassages, PASSAGES);
    assert.equal(answer.body.totals.passages, PASSAGES - INJECTED.missing + INJECTED.duplicated);
    assert.equal(answer.body.totals.lanesReported, LANES.length);
    assert.equal(closed.status, 201);
    assert.deepEqual(exceptionTuples(closed.body), expected);
  });
});
