import { Router, type Request } from 'express';
import type { GatewayContext } from '../../context.js';
import { NotFoundError } from '../../errors.js';
import { csvFileName, reportCsv } from '../../reports/reportCsv.js';
import { reportInvalid } from '../../reports/reportQuery.js';
import { REPORTS, runReport } from '../../reports/reports.js';

/** format=json|csv wins; without it, an Accept header that prefers text/csv. */
export function reportFormat(request: Request): 'json' | 'csv' {
  const format = request.query.format;
  if (format === undefined || format === '') return request.accepts(['application/json', 'text/csv']) === 'text/csv' ? 'csv' : 'json';
  if (format === 'json' || format === 'csv') return format;
  throw reportInvalid([{ param: 'format', message: 'must be json or csv' }]);
}

/**
 * Operator reports (docs/api.md, "Reports"), under /api/operators/:operatorId/ so that staff
 * see only their own operator's (the access policy of that prefix); every query reads only that
 * operator's sites and money.
 */
export function reportsRouter(ctx: GatewayContext): Router {
  const router = Router();

  router.get('/operators/:operatorId/reports', async (request, response) => {
    const catalog = await ctx.catalog.current();
    if (!catalog.operators.some((operator) => operator.id === request.params.operatorId)) throw new NotFoundError('OPERATOR_NOT_FOUND', `operator ${request.params.operatorId}`);
    const reports = Object.values(REPORTS).map((report) => ({ id: report.id, title: report.title, description: report.description, groupings: report.groupings, defaultGrouping: report.defaultGrouping, filters: report.filters }));
    response.json({ operatorId: request.params.operatorId, businessDay: { timeZone: ctx.config.businessTimeZone, cutoff: ctx.config.businessDayCutoff }, reports });
  });

  router.get('/operators/:operatorId/reports/:report', async (request, response) => {
    const format = reportFormat(request);
    const result = await runReport(ctx, request.params.report, request.params.operatorId, request.query, ['format']);
    response.set('Cache-Control', 'no-store');
    if (format === 'csv') {
      response.type('text/csv; charset=utf-8').attachment(csvFileName(result)).send(reportCsv(result));
      return;
    }
    response.json(result);
  });

  return router;
}
