import type { GatewayContext } from '../context.js';
import { GatewayError, NotFoundError } from '../errors.js';
import { businessDay } from '../tariffs/localTime.js';
import { arrearsReport } from './arrearsReport.js';
import { BusinessSlots } from './businessSlots.js';
import { denialsReport } from './denialsReport.js';
import { incompleteReport } from './incompleteReport.js';
import { buildRows, sitesInScope, totalsOf } from './reportGroups.js';
import { parseReportQuery } from './reportQuery.js';
import { REPORT_IDS, type ReportDefinition, type ReportId, type ReportResult } from './reportTypes.js';
import { revenueReport } from './revenueReport.js';
import { trafficReport } from './trafficReport.js';

export const REPORTS: Record<ReportId, ReportDefinition> = {
  traffic: trafficReport,
  revenue: revenueReport,
  incomplete: incompleteReport,
  denials: denialsReport,
  arrears: arrearsReport,
};

export function reportDefinition(id: string): ReportDefinition {
  if (!(REPORT_IDS as readonly string[]).includes(id)) throw new GatewayError('REPORT_NOT_FOUND', `no report named ${id} (reports: ${REPORT_IDS.join(', ')})`);
  return REPORTS[id as ReportId];
}

/**
 * Run one report for one operator: check the query (REPORT_INVALID), sum the rollups of that
 * operator's sites and journeys only, and lay the rows out. `extra` names query parameters the
 * caller reads itself.
 */
export async function runReport(ctx: GatewayContext, reportId: string, operatorId: string, raw: Record<string, unknown>, extra: readonly string[] = []): Promise<ReportResult> {
  const definition = reportDefinition(reportId);
  const catalog = await ctx.catalog.current();
  const operator = catalog.operators.find((candidate) => candidate.id === operatorId);
  if (!operator) throw new NotFoundError('OPERATOR_NOT_FOUND', `operator ${operatorId}`);
  const { businessTimeZone: timeZone, businessDayCutoff: cutoff } = ctx.config;
  const query = parseReportQuery(definition, raw, { operator, catalog, today: businessDay(ctx.clock.now(), timeZone, cutoff) }, extra);
  const scope = { db: ctx.knex, operator, catalog, sites: sitesInScope(catalog, operator, query), slots: BusinessSlots.of(ctx.config) };
  const columns = definition.columns(query);
  const laidOut = buildRows(scope, query, await definition.sums(scope, query), columns, (key) => definition.labelOf?.(key, query));
  const rows = definition.sortRows ? definition.sortRows(laidOut, query) : laidOut;
  return {
    report: definition.id,
    title: definition.title,
    description: definition.description,
    operator: { id: operator.id, name: operator.name, currency: operator.currency },
    businessDay: { timeZone, cutoff },
    query,
    columns,
    rows,
    totals: totalsOf(rows, columns),
    chartColumn: definition.chartColumn(query),
  };
}
