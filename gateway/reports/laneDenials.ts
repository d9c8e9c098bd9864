import type { Knex } from 'knex';
import type { LaneReport } from '../../protocol/laneApi.js';
import type { GatewayContext } from '../context.js';
import { lockForTransaction } from '../db/locks.js';
import { toNullableNumber, toNumber } from '../db/rows.js';
import { BusinessSlots } from './businessSlots.js';
import { RollupDelta } from './rollupDelta.js';
import { LANE_EVENTS_HOURLY } from './rollupTables.js';

export type DenyCounts = Record<string, number>;

/**
 * The denials a report adds to what was counted from the lane's previous one: the growth of each
 * counter, or every counter in full when the lane restarted (a new countersSince, or a counter
 * that went down). Undefined: a report older than the one already counted, which counts nothing.
 */
export function denialsSince(previous: { countersSince: number | null; laneTs: number; counts: DenyCounts } | undefined, report: Pick<LaneReport, 'ts' | 'countersSince'>, counts: DenyCounts): DenyCounts | undefined {
  if (!previous) return counts;
  if (report.ts < previous.laneTs) return undefined;
  const restarted =
    (report.countersSince !== undefined && report.countersSince !== previous.countersSince) ||
    Object.entries(previous.counts).some(([reason, count]) => (counts[reason] ?? 0) < count);
  if (restarted) return counts;
  return Object.fromEntries(Object.entries(counts).map(([reason, count]) => [reason, count - (previous.counts[reason] ?? 0)]));
}

/**
 * Lanes decide offline, so the gateway learns of denials only from lane reports: each report's
 * deny counters are compared with the lane's last counted report (report_lane_counters) and the
 * growth is added to the deny-reason rollup in the hour the gateway received it. Runs in the
 * report's transaction, under a per-lane lock; the rollup write is its last statement.
 */
export async function rollUpLaneDenials(ctx: GatewayContext, trx: Knex.Transaction, report: LaneReport, nowMs: number): Promise<void> {
  if (!report.deniedByReason) return;
  await lockForTransaction(trx, `lane-counters:${report.laneId}`);
  const row = await trx('report_lane_counters').where({ lane_id: report.laneId }).first();
  const previous = row ? { countersSince: toNullableNumber(row.counters_since), laneTs: toNumber(row.lane_ts), counts: JSON.parse(String(row.denied_by_reason)) as DenyCounts } : undefined;
  const grown = denialsSince(previous, report, report.deniedByReason);
  if (!grown) return;
  await trx('report_lane_counters')
    .insert({ lane_id: report.laneId, counters_since: report.countersSince ?? null, lane_ts: report.ts, denied_by_reason: JSON.stringify(report.deniedByReason) })
    .onConflict('lane_id')
    .merge();
  const { day, hour } = BusinessSlots.of(ctx.config).slotOf(nowMs);
  const rollups = new RollupDelta();
  for (const [reason, count] of Object.entries(grown)) if (count > 0) rollups.add(LANE_EVENTS_HOURLY, [day, report.stationId, hour, report.mode, 'deny', reason], [count]);
  await rollups.write(trx);
}
