import { Router, type Response } from 'express';
import { canSeeOperator, principalOf } from '../access/principal.js';
import type { GatewayContext } from '../context.js';
import { GatewayError } from '../errors.js';
import type { Operator } from '../network/networkCatalog.js';
import type { ReportProblem } from '../reports/reportQuery.js';
import { REPORTS, reportDefinition, runReport } from '../reports/reports.js';
import { html } from './html.js';
import { consolePage, sendPage } from './layout.js';
import { filterForm, problemsBox, reportBody, reportNav, reportPath, type FormValues } from './reportView.js';

/**
 * The operators whose reports the person asking may read: staff see their own operator, network
 * staff (no operator) every one. The access policy admits only staff to /console; a request
 * with nobody signed in reaches here only where no access policy is installed, and sees all.
 */
function visibleOperators(response: Response, operators: Operator[]): Operator[] {
  const principal = principalOf(response);
  if (principal.kind === 'anonymous') return operators;
  return operators.filter((operator) => canSeeOperator(principal, operator.id));
}

function formValues(query: Record<string, unknown>): FormValues {
  return Object.fromEntries(Object.entries(query).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== ''));
}

/** The console's report pages (docs/api.md, "Reports"), mounted at /console/reports. */
export function reportPagesRouter(ctx: GatewayContext): Router {
  const router = Router();

  router.get('/', async (_request, response) => {
    const operators = visibleOperators(response, (await ctx.catalog.current()).operators);
    if (operators.length === 0) throw new GatewayError('FORBIDDEN', 'no operator’s reports are open to you');
    const body = html`<p class="hint">Every report covers whole business days (ending at ${ctx.config.businessDayCutoff}, ${ctx.config.businessTimeZone} time) and can be exported as CSV or JSON.</p>
${operators.map((operator) => html`<h2>${operator.name}</h2><table><tbody>${Object.values(REPORTS).map((report) => html`<tr><th scope="row"><a href="${reportPath(report.id, operator.id, {})}">${report.title}</a></th><td>${report.description}</td></tr>`)}</tbody></table>`)}`;
    sendPage(response, consolePage(response, 'reports', { title: 'Reports', body }));
  });

  router.get('/:report', async (request, response) => {
    const definition = reportDefinition(request.params.report);
    const catalog = await ctx.catalog.current();
    const operators = visibleOperators(response, catalog.operators);
    const values = formValues(request.query);
    const asked = values.operator ?? operators[0]?.id;
    const operator = operators.find((candidate) => candidate.id === asked);
    if (!operator) {
      if (catalog.operators.some((candidate) => candidate.id === asked)) throw new GatewayError('FORBIDDEN', `the reports of operator ${asked} are not open to you`);
      throw new GatewayError('OPERATOR_NOT_FOUND', `operator ${asked ?? '(none)'} not found`);
    }
    let content;
    let status = 200;
    try {
      const result = await runReport(ctx, definition.id, operator.id, request.query, ['operator']);
      Object.assign(values, { from: result.query.from, to: result.query.to, groupBy: result.query.groupBy });
      content = reportBody(result);
    } catch (error) {
      if (!(error instanceof GatewayError) || error.code !== 'REPORT_INVALID') throw error;
      status = 400;
      content = problemsBox(error.details as ReportProblem[]);
    }
    const body = html`${reportNav(definition.id, operator.id, values)}${filterForm(definition, operators, operator, catalog, values)}${content}`;
    sendPage(response, consolePage(response, 'reports', { title: `${definition.title} · ${operator.name}`, body }), status);
  });

  return router;
}
