import type { LaneDatabase } from '../journal/laneDatabase.js';

const REPORTED_THROUGH = 'denials_reported_through';

/**
 * Gate denials survive a lane crash. A lane's deny counters live in memory and reach the gateway
 * in its reports; every denial is also in the journal (decisions, action 'deny'). The lane notes
 * the time of each report the gateway accepted, and a restarted lane starts its counters from the
 * denials journaled after the last one, so the gateway, which counts a restarted lane's counters
 * in full (a new countersSince), misses none and counts none twice.
 */
export class ReportedDenials {
  private readonly statements;

  constructor(db: LaneDatabase) {
    this.statements = {
      get: db.prepare('SELECT value FROM lane_meta WHERE key = ?'),
      set: db.prepare('INSERT INTO lane_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      deniedAfter: db.prepare("SELECT reason, COUNT(*) AS n FROM decisions WHERE action = 'deny' AND decided_at > ? AND reason IS NOT NULL GROUP BY reason"),
    };
  }

  /** The gateway accepted a report built at this time (lane clock). */
  markReported(reportTs: number): void {
    this.statements.set.run(REPORTED_THROUGH, String(reportTs));
  }

  /**
   * Denials the gateway has not been told of: journaled after the last accepted report. Nothing
   * when no report was ever accepted from this journal (a new lane, or a journal from before
   * lanes noted their reports: its denials may have been counted already).
   */
  unreported(): Record<string, number> {
    const row = this.statements.get.get(REPORTED_THROUGH) as { value: string } | undefined;
    if (!row) return {};
    const rows = this.statements.deniedAfter.all(Number(row.value)) as Array<{ reason: string; n: number }>;
    return Object.fromEntries(rows.map(({ reason, n }) => [reason, n]));
  }
}
