import { Router, type Response } from 'express';
import { z } from 'zod';
import { BusinessDay } from '../../../protocol/journalDays.js';
import { principalOf } from '../../access/principal.js';
import type { GatewayContext } from '../../context.js';
import { closeStatement } from '../../settlement/closeStatement.js';
import { listSettlementDays, settlementStatement } from '../../settlement/settlementDays.js';
import type { SettlementStatement } from '../../settlement/statement.js';
import { statementCsv } from '../../settlement/statementCsv.js';
import { parseInput } from '../validate.js';

const DayParams = z.object({ operatorId: z.string(), day: BusinessDay });
const ListQuery = z.object({ days: z.coerce.number().int().min(1).max(92).default(14) });
const FormatQuery = z.object({ format: z.enum(['json', 'csv']).default('json') });

/** Who closed a statement: the signed-in staff member, when there is one. */
export function closedByOf(response: Response): string | null {
  const principal = principalOf(response);
  return principal.kind === 'staff' ? principal.username : null;
}

export function sendStatement(response: Response, statement: SettlementStatement, format: 'json' | 'csv', status = 200): void {
  if (format === 'json') {
    response.status(status).json(statement);
    return;
  }
  response
    .status(status)
    .type('text/csv; charset=utf-8')
    .set('Content-Disposition', `attachment; filename="settlement-${statement.operatorId}-${statement.day}-${statement.state}.csv"`)
    .send(statementCsv(statement));
}

/**
 * Daily settlement per operator (docs/api.md, "Settlement"), under /api/operators/:operatorId
 * so that only that operator's staff reach it: reading for viewers, closing for supervisors.
 */
export function settlementRouter(ctx: GatewayContext): Router {
  const router = Router();

  router.get('/operators/:operatorId/settlement', async (request, response) => {
    const { days } = parseInput(ListQuery, request.query, 'query');
    const listed = await listSettlementDays(ctx, request.params.operatorId, days);
    response.json({ operatorId: listed.operator.id, timeZone: ctx.config.businessTimeZone, cutoff: ctx.config.businessDayCutoff, days: listed.days });
  });

  router.get('/operators/:operatorId/settlement/:day', async (request, response) => {
    const { operatorId, day } = parseInput(DayParams, request.params, 'path');
    const { format } = parseInput(FormatQuery, request.query, 'query');
    sendStatement(response, await settlementStatement(ctx, operatorId, day), format);
  });

  router.post('/operators/:operatorId/settlement/:day/close', async (request, response) => {
    const { operatorId, day } = parseInput(DayParams, request.params, 'path');
    sendStatement(response, await closeStatement(ctx, operatorId, day, closedByOf(response)), 'json', 201);
  });

  return router;
}
