import type { Knex } from 'knex';
import { LaneReport } from '../../protocol/laneApi.js';
import { toNumber } from '../db/rows.js';

export type LaneStaleness = 'current' | 'trust_stale' | 'silent';

export interface LaneReportView extends LaneReport {
  /** Gateway time of the latest report. */
  reportedAt: number;
  reportAgeMs: number;
  /** silent: no report for laneSilentAfterMs; trust_stale: its trust copy is older than allowed. */
  staleness: LaneStaleness;
}

/** Keep the latest report of each lane (reports only ever replace the previous one). */
export async function saveLaneReport(db: Knex | Knex.Transaction, report: LaneReport, nowMs: number): Promise<void> {
  await db('lane_reports')
    .insert({ lane_id: report.laneId, station_id: report.stationId, mode: report.mode, reported_at: nowMs, report: JSON.stringify(report) })
    .onConflict('lane_id')
    .merge();
}

export async function listLaneReports(db: Knex, nowMs: number, limits: { silentAfterMs: number; trustStaleAfterMs: number }): Promise<LaneReportView[]> {
  const rows = await db('lane_reports').orderBy('lane_id').select();
  return rows.map((row) => {
    const report = LaneReport.parse(JSON.parse(row.report));
    const reportedAt = toNumber(row.reported_at);
    const reportAgeMs = Math.max(0, nowMs - reportedAt);
    const trustAgeMs = report.trustAgeMs === null ? Infinity : report.trustAgeMs + reportAgeMs;
    const staleness: LaneStaleness = reportAgeMs > limits.silentAfterMs ? 'silent' : trustAgeMs > limits.trustStaleAfterMs ? 'trust_stale' : 'current';
    return { ...report, reportedAt, reportAgeMs, staleness };
  });
}
