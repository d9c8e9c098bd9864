import type { Knex } from 'knex';
import type { GatewayContext } from '../context.js';
import { NotFoundError } from '../errors.js';
import { windowOf, type BusinessDayWindow } from './businessDays.js';
import { loadJournalDays } from './journalReports.js';
import { reconcileLane, type SettlementException } from './laneReconciliation.js';
import { moneyOfDay } from './settlementMoney.js';
import type { LaneSummary, SettlementStatement, SettlementTotals } from './statement.js';
import { gatewayLaneLookup, lanesOfDay, storedLaneDay, type PassageLine } from './storedPassages.js';

export interface SettlementOperator {
  id: string;
  name: string;
  currency: string;
  stationIds: string[];
}

export async function requireSettlementOperator(db: Knex, operatorId: string): Promise<SettlementOperator> {
  const row = await db('operators').where({ id: operatorId }).first('id', 'name', 'currency');
  if (!row) throw new NotFoundError('OPERATOR_NOT_FOUND', `operator ${operatorId}`);
  const sites = await db('sites').where({ operator_id: operatorId }).orderBy('id').select('id');
  return { id: String(row.id), name: String(row.name), currency: String(row.currency), stationIds: sites.map((site) => String(site.id)) };
}

/**
 * A business day's statement as the gateway's data stand now: the passages stored, the money
 * posted, and every lane of the operator reconciled against its journal report.
 */
export async function draftStatement(ctx: GatewayContext, operator: SettlementOperator, day: string): Promise<SettlementStatement> {
  const window = windowOf(ctx.config, day);
  const computedAt = ctx.clock.now();
  const { passages, lanes, exceptions } = await reconcileDay(ctx.knex, operator, window);
  const money = await moneyOfDay(ctx.knex, operator.id, window);
  const exceptionsByCode: SettlementTotals['exceptionsByCode'] = {};
  for (const exception of exceptions) exceptionsByCode[exception.code] = (exceptionsByCode[exception.code] ?? 0) + 1;
  const totals: SettlementTotals = {
    passages: lanes.reduce((total, lane) => total + lane.gatewayCount, 0),
    lanePassages: lanes.reduce((total, lane) => total + (lane.laneCount ?? 0), 0),
    lanes: lanes.length,
    lanesReported: lanes.filter((lane) => lane.reported).length,
    exceptions: exceptions.length,
    exceptionsByCode,
    ...money.totals,
  };
  return {
    operatorId: operator.id,
    operatorName: operator.name,
    ...window,
    timeZone: ctx.config.businessTimeZone,
    cutoff: ctx.config.businessDayCutoff,
    currency: operator.currency,
    state: 'draft',
    computedAt,
    closedAt: null,
    closedBy: null,
    digest: null,
    totals,
    passages,
    charges: money.lines,
    lanes,
    exceptions,
  };
}

async function reconcileDay(db: Knex, operator: SettlementOperator, window: BusinessDayWindow): Promise<{ passages: PassageLine[]; lanes: LaneSummary[]; exceptions: SettlementException[] }> {
  const reports = await loadJournalDays(db, window.day, operator.stationIds);
  const passages: PassageLine[] = [];
  const lanes: LaneSummary[] = [];
  const exceptions: SettlementException[] = [];
  for (const lane of await lanesOfDay(db, operator.stationIds, window)) {
    const stored = await storedLaneDay(db, lane, window);
    const report = reports.get(lane.laneId);
    const entries = report?.seqs.map((seq, index) => ({ seq, id: report.ids[index], fingerprint: report.fingerprints[index] }));
    const outcome = await reconcileLane(lane.laneId, report && entries && { entries, previousSeq: report.previousSeq, lastSeq: report.lastSeq, elsewhere: report.elsewhere }, stored.entries, gatewayLaneLookup(db, lane.laneId));
    passages.push(...stored.lines);
    exceptions.push(...outcome.exceptions);
    lanes.push({
      laneId: lane.laneId,
      stationId: lane.stationId,
      reported: report !== undefined,
      laneCount: report?.count ?? null,
      gatewayCount: stored.entries.length,
      matched: outcome.matched,
      exceptions: outcome.exceptions.length,
      reportedAt: report?.completedAt ?? null,
      reportDigest: report?.digest ?? null,
    });
  }
  return { passages, lanes, exceptions };
}
