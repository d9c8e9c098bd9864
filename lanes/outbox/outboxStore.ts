import type { PassageRecord } from '../../protocol/laneApi.js';
import type { TollPassageRecord } from '../../protocol/toll.js';
import type { LaneDatabase } from '../journal/laneDatabase.js';

/** A gate lane's outbox holds gate passages, a toll lane's toll passages; never both. */
export type OutboxPassage = PassageRecord | TollPassageRecord;

export interface OutboxRow<P extends OutboxPassage = PassageRecord> {
  laneSeq: number;
  passage: P;
}

export interface RejectedPassage {
  id: string;
  code: string;
  message: string;
}

/** The outbox rows of confirmed passages (appended by DecisionJournal.confirmPassage or TollJournal.record). */
export class OutboxStore<P extends OutboxPassage = PassageRecord> {
  private readonly statements;
  private readonly markSentTx;
  private readonly markRejectedTx;

  constructor(db: LaneDatabase) {
    this.statements = {
      pending: db.prepare("SELECT lane_seq, record FROM outbox WHERE state = 'pending' ORDER BY lane_seq LIMIT ?"),
      sent: db.prepare("UPDATE outbox SET state = 'sent', sent_at = ? WHERE passage_id = ? AND state = 'pending'"),
      rejected: db.prepare("UPDATE outbox SET state = 'rejected', reject_code = ?, reject_message = ? WHERE passage_id = ? AND state = 'pending'"),
      attempted: db.prepare("UPDATE outbox SET attempts = attempts + 1 WHERE state = 'pending' AND lane_seq BETWEEN ? AND ?"),
      backlog: db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE state = 'pending'"),
      rejectedCount: db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE state = 'rejected'"),
      lastSeq: db.prepare('SELECT COALESCE(MAX(lane_seq), 0) AS n FROM outbox'),
    };
    this.markSentTx = db.transaction((ids: string[], at: number) => {
      let changed = 0;
      for (const id of ids) changed += this.statements.sent.run(at, id).changes;
      return changed;
    });
    this.markRejectedTx = db.transaction((rejected: RejectedPassage[]) => {
      let changed = 0;
      for (const entry of rejected) changed += this.statements.rejected.run(entry.code, entry.message, entry.id).changes;
      return changed;
    });
  }

  pending(limit: number): OutboxRow<P>[] {
    const rows = this.statements.pending.all(limit) as { lane_seq: number; record: string }[];
    return rows.map((row) => ({ laneSeq: row.lane_seq, passage: JSON.parse(row.record) as P }));
  }

  noteAttempt(fromSeq: number, toSeq: number): void {
    this.statements.attempted.run(fromSeq, toSeq);
  }

  markSent(ids: string[], at: number): number {
    return this.markSentTx(ids, at);
  }

  markRejected(rejected: RejectedPassage[]): number {
    return this.markRejectedTx(rejected);
  }

  backlog(): number {
    return (this.statements.backlog.get() as { n: number }).n;
  }

  rejectedCount(): number {
    return (this.statements.rejectedCount.get() as { n: number }).n;
  }

  /** Highest lane sequence in the journal. */
  lastSeq(): number {
    return (this.statements.lastSeq.get() as { n: number }).n;
  }
}
