import { join } from 'node:path';
import { JournalDaySummary } from '../../../lanes/journal/journalDaySummary.js';
import { openLaneDatabase, type LaneDatabase } from '../../../lanes/journal/laneDatabase.js';
import { uuidv7 } from '../../../protocol/ids.js';
import type { JournalDayPart, JournalDayReceipt } from '../../../protocol/journalDays.js';
import type { PassageRecord } from '../../../protocol/laneApi.js';
import type { TollPassageRecord } from '../../../protocol/toll.js';
import { passageFingerprint } from '../../../protocol/passageFingerprint.js';
import { windowOf, type BusinessDayWindow } from '../../../gateway/settlement/businessDays.js';
import { temporaryDir } from '../../support/environment.js';
import type { ApiClient, TestGateway } from '../support.js';

/** T0 (support.ts) is 09:00 in Paris on 2026-01-05: business day 2026-01-05 runs 04:30 to 04:30 the next morning. */
export const DAY = '2026-01-05';
export const NEXT_DAY = '2026-01-06';

export function dayWindow(t: TestGateway, day = DAY): BusinessDayWindow {
  return windowOf(t.gateway.config, day);
}

/** Move the gateway's clock past the end of a business day, so it can be reported and closed. */
export function endDay(t: TestGateway, day = DAY): void {
  const { toMs } = dayWindow(t, day);
  if (t.clock.now() < toMs + 60_000) t.clock.set(toMs + 60_000);
}

const tokenOf = (index: number) => index.toString(16).padStart(32, '0');

/** A gate passage of a lane as it journals it (fresh content per sequence number). */
export function gatePassage(laneId: string, laneSeq: number, passedAt: number, overrides: Partial<PassageRecord> = {}): PassageRecord {
  return {
    id: uuidv7(),
    laneId,
    laneSeq,
    stationId: laneId,
    deviceId: `${laneId}-G1`,
    mode: 'metro',
    direction: laneSeq % 2 ? 'entry' : 'exit',
    tokenId: tokenOf(laneSeq),
    keyId: 1,
    fareClass: 0,
    decidedAt: passedAt - 300,
    passedAt,
    tailgate: false,
    trustStale: false,
    ...overrides,
  };
}

/** Send passages through the lane API, in batches, as a lane's outbox does. */
export async function sendBatches(api: ApiClient, passages: PassageRecord[], batchSize = 1000): Promise<void> {
  for (let i = 0; i < passages.length; i += batchSize) {
    const batch = passages.slice(i, i + batchSize);
    const answer = await api.call('POST', '/api/lane/v1/passages', { laneId: batch[0].laneId, passages: batch });
    if (answer.status !== 200 || answer.body.rejected.length) throw new Error(`passages refused: ${JSON.stringify(answer.body).slice(0, 400)}`);
  }
}

/**
 * A lane's journal file holding passages the way the lane journals them (outbox rows with their
 * passage time and fingerprint), read by the lane's own JournalDaySummary.
 */
export class TestLaneJournal {
  readonly db: LaneDatabase;
  private readonly dir = temporaryDir('turnpike-journal-');
  private readonly insert;

  constructor(readonly laneId: string, stationId = laneId, entriesPerPart?: number) {
    this.db = openLaneDatabase(join(this.dir.path, 'lane.sqlite'));
    this.insert = this.db.prepare('INSERT INTO outbox (lane_seq, passage_id, record, passed_at, fingerprint) VALUES (?, ?, ?, ?, ?)');
    this.summary = new JournalDaySummary(this.db, { laneId, stationId, mode: 'metro' }, entriesPerPart);
  }

  readonly summary: JournalDaySummary;

  append(passages: ReadonlyArray<PassageRecord | TollPassageRecord>): void {
    this.db.transaction(() => {
      for (const passage of passages) this.insert.run(passage.laneSeq, passage.id, JSON.stringify(passage), passage.passedAt, passageFingerprint(passage));
    })();
  }

  /** Lose journal rows (what a restored backup or a damaged file does). */
  remove(...seqs: number[]): void {
    for (const seq of seqs) this.db.prepare('DELETE FROM outbox WHERE lane_seq = ?').run(seq);
  }

  parts(window: BusinessDayWindow): Promise<JournalDayPart[]> {
    return this.summary.parts(window);
  }

  /** Send the day's report, part by part; the last answer. */
  async report(api: ApiClient, window: BusinessDayWindow): Promise<JournalDayReceipt> {
    let last: JournalDayReceipt | undefined;
    for (const part of await this.parts(window)) {
      const answer = await api.call('POST', '/api/lane/v1/journal-days', part);
      if (answer.status !== 200) throw new Error(`journal day refused: ${answer.status} ${JSON.stringify(answer.body).slice(0, 400)}`);
      last = answer.body as JournalDayReceipt;
    }
    return last!;
  }

  close(): void {
    this.db.close();
    this.dir.remove();
  }
}

/** The exceptions of a statement as comparable tuples. */
export function exceptionTuples(statement: { exceptions: Array<{ code: string; laneId: string; seq: number | null; seqTo: number | null; passageId: string | null }> }): string[] {
  return statement.exceptions.map((e) => `${e.code} ${e.laneId} ${e.seq ?? '-'}${e.seqTo !== null && e.seqTo !== e.seq ? `..${e.seqTo}` : ''} ${e.passageId ?? '-'}`).sort();
}
