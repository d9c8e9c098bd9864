import type { GatewayContext } from '../context.js';
import { toNumber } from '../db/rows.js';
import { addDays, dayOf, windowOf } from './businessDays.js';
import { draftStatement, requireSettlementOperator, type SettlementOperator } from './draftStatement.js';
import { countJournalDays } from './journalReports.js';
import type { SettlementStatement, SettlementTotals, SinceClosed } from './statement.js';
import { listClosedStatements, loadClosedStatement } from './statementRecords.js';

/** open: the day is not over; draft: over, not closed; closed: its statement is frozen. */
export type DayState = 'open' | 'draft' | 'closed';

export interface SettlementDay {
  day: string;
  fromMs: number;
  toMs: number;
  state: DayState;
  /** Lanes of the operator whose journal report of the day the gateway holds complete. */
  lanesReported: number;
  closedAt: number | null;
  closedBy: string | null;
  /** A closed day's totals; null for the others (open the day to compute its draft). */
  totals: SettlementTotals | null;
}

/** The operator's last `count` business days, newest first (today's included, open). */
export async function listSettlementDays(ctx: GatewayContext, operatorId: string, count: number): Promise<{ operator: SettlementOperator; days: SettlementDay[] }> {
  const operator = await requireSettlementOperator(ctx.knex, operatorId);
  const now = ctx.clock.now();
  const today = dayOf(ctx.config, now);
  const windows = Array.from({ length: count }, (_unused, index) => windowOf(ctx.config, addDays(today, -index)));
  const closed = await listClosedStatements(ctx.knex, operatorId, windows.map((window) => window.day));
  const days: SettlementDay[] = [];
  for (const window of windows) {
    const statement = closed.get(window.day);
    days.push({
      ...window,
      state: statement ? 'closed' : window.toMs > now ? 'open' : 'draft',
      lanesReported: await countJournalDays(ctx.knex, window.day, operator.stationIds),
      closedAt: statement?.closedAt ?? null,
      closedBy: statement?.closedBy ?? null,
      totals: statement?.totals ?? null,
    });
  }
  return { operator, days };
}

/** A day's statement: the closed one with what arrived since, else the draft computed now. */
export async function settlementStatement(ctx: GatewayContext, operatorId: string, day: string): Promise<SettlementStatement> {
  const operator = await requireSettlementOperator(ctx.knex, operatorId);
  const closed = await loadClosedStatement(ctx.knex, operatorId, day);
  if (!closed) return draftStatement(ctx, operator, day);
  return { ...closed, sinceClosed: await sinceClosed(ctx, operator, closed) };
}

async function sinceClosed(ctx: GatewayContext, operator: SettlementOperator, statement: SettlementStatement): Promise<SinceClosed> {
  const closedAt = statement.closedAt!;
  const late = new Map<string, number>();
  for (const table of ['passages', 'toll_passages']) {
    const rows: Array<Record<string, unknown>> = await ctx.knex(table)
      .whereIn('station_id', operator.stationIds)
      .where('passed_at', '>=', statement.fromMs)
      .where('passed_at', '<', statement.toMs)
      .where('received_at', '>', closedAt)
      .groupBy('lane_id')
      .select('lane_id')
      .count({ n: '*' });
    for (const row of rows) late.set(String(row.lane_id), (late.get(String(row.lane_id)) ?? 0) + toNumber(row.n));
  }
  const reports = await ctx.knex('lane_journal_days').where({ day: statement.day }).whereIn('station_id', operator.stationIds).where('completed_at', '>', closedAt).orderBy('lane_id').select('lane_id');
  return {
    lateArrivals: [...late.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([laneId, passages]) => ({ laneId, passages })),
    reportsSince: reports.map((row) => String(row.lane_id)),
  };
}
