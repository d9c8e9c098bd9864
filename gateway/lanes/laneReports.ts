import type { Knex } from 'knex';
import { LaneReport, type LaneDeviceReport } from '../../protocol/laneApi.js';
import type { GatewayConfig } from '../config.js';
import { toNumber } from '../db/rows.js';

export type LaneStaleness = 'current' | 'trust_stale' | 'silent';
export type DeviceState = 'online' | 'offline' | 'silent';

export interface LaneLimits {
  silentAfterMs: number;
  trustStaleAfterMs: number;
  deviceSilentAfterMs: number;
}

export interface LaneDeviceView extends LaneDeviceReport {
  /** Time since the device was last heard of, when the gateway answered (lane clock, plus the report's age). */
  lastSeenAgeMs: number;
  /** offline: its status (or last will) says so; silent: not heard of for deviceSilentAfterMs. */
  state: DeviceState;
}

export interface LaneReportView extends Omit<LaneReport, 'devices'> {
  /** Gateway time of the latest report. */
  reportedAt: number;
  reportAgeMs: number;
  /** silent: no report for laneSilentAfterMs; trust_stale: its trust copy is older than allowed. */
  staleness: LaneStaleness;
  devices: LaneDeviceView[];
}

export function laneLimitsOf(config: GatewayConfig): LaneLimits {
  return { silentAfterMs: config.laneSilentAfterMs, trustStaleAfterMs: config.laneTrustStaleAfterMs, deviceSilentAfterMs: config.deviceSilentAfterMs };
}

/** Keep the latest report of each lane (reports only ever replace the previous one). */
export async function saveLaneReport(db: Knex | Knex.Transaction, report: LaneReport, nowMs: number): Promise<void> {
  await db('lane_reports')
    .insert({ lane_id: report.laneId, station_id: report.stationId, mode: report.mode, reported_at: nowMs, report: JSON.stringify(report) })
    .onConflict('lane_id')
    .merge();
}

/** A report as the console and GET /api/lanes show it: how old it is, and the lane's and its devices' states. */
export function laneReportView(report: LaneReport, reportedAt: number, nowMs: number, limits: LaneLimits): LaneReportView {
  const reportAgeMs = Math.max(0, nowMs - reportedAt);
  const trustAgeMs = report.trustAgeMs === null ? Infinity : report.trustAgeMs + reportAgeMs;
  const staleness: LaneStaleness = reportAgeMs > limits.silentAfterMs ? 'silent' : trustAgeMs > limits.trustStaleAfterMs ? 'trust_stale' : 'current';
  const devices = (report.devices ?? []).map((device): LaneDeviceView => {
    const lastSeenAgeMs = Math.max(0, report.ts - device.lastSeenAt) + reportAgeMs;
    const state: DeviceState = device.online === false ? 'offline' : lastSeenAgeMs > limits.deviceSilentAfterMs ? 'silent' : 'online';
    return { ...device, lastSeenAgeMs, state };
  });
  return { ...report, reportedAt, reportAgeMs, staleness, devices: devices.sort((a, b) => a.deviceId.localeCompare(b.deviceId)) };
}

export async function listLaneReports(db: Knex, nowMs: number, limits: LaneLimits): Promise<LaneReportView[]> {
  const rows = await db('lane_reports').orderBy('lane_id').select();
  return rows.map((row) => laneReportView(LaneReport.parse(JSON.parse(row.report)), toNumber(row.reported_at), nowMs, limits));
}
