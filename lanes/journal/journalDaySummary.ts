import { JournalDigest, MAX_JOURNAL_ENTRIES_PER_PART, type JournalDayHeader, type JournalDayPart } from '../../protocol/journalDays.js';
import type { LaneMode } from '../../protocol/laneApi.js';
import { passageFingerprint } from '../../protocol/passageFingerprint.js';
import { rangesOf } from '../../protocol/seqRanges.js';
import type { LaneDatabase } from './laneDatabase.js';

export interface JournalWindow {
  day: string;
  fromMs: number;
  toMs: number;
}

export interface JournalLane {
  laneId: string;
  stationId: string;
  mode: LaneMode;
}

interface OutboxRow {
  lane_seq: number;
  passage_id: string;
  passed_at: number;
  fingerprint: string | null;
  record: string | null;
}

/** Rows read between two yields to the event loop: a few milliseconds of work, so scans keep being decided. */
const PAGE_ROWS = 1000;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * What the lane's journal (the outbox table: every confirmed passage, never deleted) holds for a
 * business day, as the parts of its journal-day report (protocol/journalDays.ts). Reads page by
 * page in sequence order and yields between pages.
 */
export class JournalDaySummary {
  private readonly statements;

  constructor(private readonly db: LaneDatabase, private readonly lane: JournalLane, private readonly entriesPerPart = MAX_JOURNAL_ENTRIES_PER_PART) {
    this.statements = {
      window: db.prepare('SELECT COUNT(*) AS n, MIN(lane_seq) AS first, MAX(lane_seq) AS last FROM outbox WHERE passed_at >= ? AND passed_at < ?'),
      previous: db.prepare('SELECT COALESCE(MAX(lane_seq), 0) AS seq FROM outbox WHERE lane_seq < ?'),
      page: db.prepare(
        'SELECT lane_seq, passage_id, passed_at, fingerprint, CASE WHEN fingerprint IS NULL THEN record END AS record FROM outbox WHERE lane_seq > ? AND lane_seq <= ? ORDER BY lane_seq LIMIT ?',
      ),
      keepFingerprint: db.prepare('UPDATE outbox SET fingerprint = ? WHERE lane_seq = ?'),
    };
  }

  /** Cheap: how many passages the day holds and its highest sequence (new passages of a day always raise it). */
  held(window: JournalWindow): { count: number; lastSeq: number } {
    const row = this.statements.window.get(window.fromMs, window.toMs) as { n: number; last: number | null };
    return { count: row.n, lastSeq: row.last ?? 0 };
  }

  async parts(window: JournalWindow): Promise<JournalDayPart[]> {
    const stats = this.statements.window.get(window.fromMs, window.toMs) as { n: number; first: number | null; last: number | null };
    const seqs: number[] = [];
    const ids: string[] = [];
    const fingerprints: string[] = [];
    const elsewhere: number[] = [];
    const digest = new JournalDigest();
    let previousSeq = 0;
    if (stats.n > 0) {
      previousSeq = (this.statements.previous.get(stats.first) as { seq: number }).seq;
      let cursor = stats.first! - 1;
      for (;;) {
        const rows = this.statements.page.all(cursor, stats.last, PAGE_ROWS) as OutboxRow[];
        const pageStart = seqs.length;
        for (const row of rows) {
          if (row.passed_at < window.fromMs || row.passed_at >= window.toMs) {
            elsewhere.push(row.lane_seq);
            continue;
          }
          seqs.push(row.lane_seq);
          ids.push(row.passage_id);
          fingerprints.push(row.fingerprint ?? this.fingerprintOf(row));
        }
        digest.add(seqs, ids, fingerprints, pageStart);
        if (rows.length < PAGE_ROWS) break;
        cursor = rows[rows.length - 1].lane_seq;
        await nextTurn();
      }
    }
    const header: JournalDayHeader = { ...window, count: seqs.length, lastSeq: seqs[seqs.length - 1] ?? 0, previousSeq, elsewhere: rangesOf(elsewhere) };
    const reportDigest = digest.finish(header);
    const partCount = Math.max(1, Math.ceil(seqs.length / this.entriesPerPart));
    const parts: JournalDayPart[] = [];
    for (let part = 0; part < partCount; part++) {
      const from = part * this.entriesPerPart;
      const to = from + this.entriesPerPart;
      parts.push({
        ...this.lane,
        ...header,
        digest: reportDigest,
        part,
        parts: partCount,
        ranges: rangesOf(seqs.slice(from, to)),
        ids: ids.slice(from, to),
        fingerprints: fingerprints.slice(from, to),
      });
    }
    return parts;
  }

  /** A row journaled before fingerprints were kept: computed once from its record, then kept. */
  private fingerprintOf(row: OutboxRow): string {
    const fingerprint = passageFingerprint(JSON.parse(row.record!) as { id: string; laneSeq: number });
    this.statements.keepFingerprint.run(fingerprint, row.lane_seq);
    return fingerprint;
  }
}
