import type { Knex } from 'knex';
import { dialectOf } from '../../db/connect.js';
import type { GatewayConfig } from '../config.js';
import { lockForTransaction } from '../db/locks.js';
import { BusinessSlots } from './businessSlots.js';
import { RollupDelta } from './rollupDelta.js';
import { JOURNEYS_DAILY, JOURNEYS_HOURLY, LANE_EVENTS_HOURLY, PASSAGES_HOURLY } from './rollupTables.js';
import { sumBySlot } from './slotGroups.js';

type SlotSettings = Pick<GatewayConfig, 'businessTimeZone' | 'businessDayCutoff'>;

export interface RebuildSummary {
  rebuilt: boolean;
  /** Grouped rows read from the raw tables, and rollup rows written. */
  groups: number;
  cells: number;
  elapsedMs: number;
}

const STATE_ID = 'rollups';

/** Whether the rollups were built for these business-day settings. */
export async function rollupsCurrent(db: Knex | Knex.Transaction, settings: SlotSettings): Promise<boolean> {
  const state = await db('report_rollup_state').where({ id: STATE_ID }).first();
  return state !== undefined && state.business_time_zone === settings.businessTimeZone && state.business_day_cutoff === settings.businessDayCutoff;
}

/**
 * Recompute every rollup from the raw tables (journeys, passages, toll_passages), in one
 * transaction: `npm run reports:rebuild`, and the gateway at start when the rollups were never
 * built or were built for another business time zone or cut-off (`onlyIfStale`). Deny reasons are
 * kept: lane reports are their only record. On PostgreSQL the raw tables are locked against
 * writes meanwhile (lanes retry their batches); SQLite has one writer anyway.
 */
export async function rebuildRollups(knex: Knex, settings: SlotSettings, options: { nowMs: number; onlyIfStale?: boolean }): Promise<RebuildSummary> {
  const startedAt = performance.now();
  return knex.transaction(async (trx) => {
    await lockForTransaction(trx, 'report-rollups');
    if (options.onlyIfStale && (await rollupsCurrent(trx, settings))) return { rebuilt: false, groups: 0, cells: 0, elapsedMs: 0 };
    if (dialectOf(trx) === 'pg') await trx.raw('LOCK TABLE journeys, passages, toll_passages IN SHARE MODE');
    for (const table of [JOURNEYS_DAILY, JOURNEYS_HOURLY, PASSAGES_HOURLY]) await trx(table.name).delete();
    await trx(LANE_EVENTS_HOURLY.name).whereNot('kind', 'deny').delete();

    const slots = new BusinessSlots(settings.businessTimeZone, settings.businessDayCutoff);
    const delta = new RollupDelta();
    const journeySums = ['COUNT(*)', 'SUM(fare_minor)', 'SUM(charged_minor)', 'SUM(refunded_minor)'];
    let groups = await sumBySlot(trx, slots, { table: 'journeys', time: 'started_at', dims: ["COALESCE(operator_id, '')", 'mode', 'status', 'fare_class', 'COALESCE(tariff_version, 0)'], sums: journeySums }, (slot, row) => {
      const [operatorId, mode, status, fareClass, tariffVersion] = row.dims;
      delta.add(JOURNEYS_DAILY, [operatorId, slot.day, mode, status, fareClass, tariffVersion], row.sums);
    });
    groups += await sumBySlot(trx, slots, { table: 'journeys', time: 'started_at', dims: ["COALESCE(operator_id, '')", "COALESCE(entry_station_id, exit_station_id, '')", 'mode', 'status'], sums: journeySums }, (slot, row) => {
      const [operatorId, stationId, mode, status] = row.dims;
      delta.add(JOURNEYS_HOURLY, [operatorId, slot.day, slot.hour, stationId, mode, status], row.sums);
    });
    const tailgate = 'SUM(CASE WHEN tailgate THEN 1 ELSE 0 END)';
    const stale = 'SUM(CASE WHEN trust_stale THEN 1 ELSE 0 END)';
    groups += await sumBySlot(trx, slots, { table: 'passages', time: 'passed_at', dims: ['station_id', 'mode', 'direction'], sums: ['COUNT(*)', tailgate, stale] }, (slot, row) => {
      const [stationId, mode, direction] = row.dims;
      const [passages, tailgates, staleDecisions] = row.sums;
      delta.add(PASSAGES_HOURLY, [slot.day, stationId, slot.hour, mode, direction], [passages]);
      delta.add(LANE_EVENTS_HOURLY, [slot.day, stationId, slot.hour, mode, 'exception', 'TAILGATE'], [tailgates]);
      delta.add(LANE_EVENTS_HOURLY, [slot.day, stationId, slot.hour, mode, 'exception', 'TRUST_STALE'], [staleDecisions]);
    });
    groups += await sumBySlot(trx, slots, { table: 'toll_passages', time: 'passed_at', dims: ['station_id', 'direction', 'exceptions'], sums: ['COUNT(*)', stale] }, (slot, row) => {
      const [stationId, direction, exceptions] = row.dims;
      const [passages, staleDecisions] = row.sums;
      delta.add(PASSAGES_HOURLY, [slot.day, stationId, slot.hour, 'toll', direction], [passages]);
      for (const code of JSON.parse(String(exceptions)) as string[]) delta.add(LANE_EVENTS_HOURLY, [slot.day, stationId, slot.hour, 'toll', 'exception', code], [passages]);
      delta.add(LANE_EVENTS_HOURLY, [slot.day, stationId, slot.hour, 'toll', 'exception', 'TRUST_STALE'], [staleDecisions]);
    });
    const cells = [JOURNEYS_DAILY, JOURNEYS_HOURLY, PASSAGES_HOURLY, LANE_EVENTS_HOURLY].reduce((total, table) => total + delta.changes(table).length, 0);
    await delta.write(trx, 0);
    await trx('report_rollup_state')
      .insert({ id: STATE_ID, business_time_zone: settings.businessTimeZone, business_day_cutoff: settings.businessDayCutoff, built_at: options.nowMs })
      .onConflict('id')
      .merge();
    return { rebuilt: true, groups, cells, elapsedMs: Math.round(performance.now() - startedAt) };
  });
}
