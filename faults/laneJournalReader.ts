import Database from 'better-sqlite3';

export interface JournalPassage {
  laneSeq: number;
  passageId: string;
  state: string;
  rejectCode: string | null;
}

export interface JournalDecision {
  id: string;
  deviceId: string;
  action: string;
  state: string;
}

export interface LaneJournalSnapshot {
  siteId: string;
  outbox: JournalPassage[];
  decisions: Map<string, JournalDecision>;
}

/** Read a lane's journal file (lanes/journal/laneDatabase.ts) as it lies on disk, read-only. */
export function readLaneJournal(siteId: string, file: string): LaneJournalSnapshot {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const outbox = (db.prepare('SELECT lane_seq, passage_id, state, reject_code FROM outbox ORDER BY lane_seq').all() as Array<{ lane_seq: number; passage_id: string; state: string; reject_code: string | null }>).map((row) => ({
      laneSeq: row.lane_seq,
      passageId: row.passage_id,
      state: row.state,
      rejectCode: row.reject_code,
    }));
    const decisions = new Map<string, JournalDecision>();
    for (const row of db.prepare('SELECT id, device_id, action, state FROM decisions').all() as Array<{ id: string; device_id: string; action: string; state: string }>) {
      decisions.set(row.id, { id: row.id, deviceId: row.device_id, action: row.action, state: row.state });
    }
    return { siteId, outbox, decisions };
  } finally {
    db.close();
  }
}
