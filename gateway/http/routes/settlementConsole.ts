import express, { Router, type Response } from 'express';
import { z } from 'zod';
import { BusinessDay } from '../../../protocol/journalDays.js';
import { canSeeOperator, principalOf, roleAtLeast } from '../../access/principal.js';
import { sendPage } from '../../console/layout.js';
import { settlementListPage, statementPage } from '../../console/settlementPages.js';
import type { GatewayContext } from '../../context.js';
import { GatewayError } from '../../errors.js';
import { httpStatusOf } from '../errorResponse.js';
import { closeStatement } from '../../settlement/closeStatement.js';
import { listSettlementDays, settlementStatement } from '../../settlement/settlementDays.js';
import { parseInput } from '../validate.js';
import { closedByOf } from './settlement.js';

const DayParams = z.object({ operatorId: z.string(), day: BusinessDay });
const ListQuery = z.object({ operator: z.string().optional() });

/**
 * The access middleware admits only staff to /console; here each staff member is kept to the
 * operators they may see, and closing a day takes a supervisor.
 */
function requireOperatorView(response: Response, operatorId: string, act = false): void {
  const principal = principalOf(response);
  if (principal.kind !== 'staff') return;
  if (!canSeeOperator(principal, operatorId)) throw new GatewayError('FORBIDDEN', `you may not see operator ${operatorId}`);
  if (act && !roleAtLeast(principal.role, 'supervisor')) throw new GatewayError('FORBIDDEN', 'closing a settlement day takes a supervisor');
}

/** /console/settlement: the days and their state, a day's statement, and its Close button. */
export function settlementConsoleRouter(ctx: GatewayContext): Router {
  const router = Router();
  router.use(express.urlencoded({ extended: false, limit: '16kb' }));

  router.get('/', async (request, response) => {
    const query = parseInput(ListQuery, request.query, 'query');
    const principal = principalOf(response);
    const all = (await ctx.knex('operators').orderBy('id').select('id', 'name')).map((row) => ({ id: String(row.id), name: String(row.name) }));
    const operators = principal.kind === 'staff' && principal.operatorId !== null ? all.filter((operator) => operator.id === principal.operatorId) : all;
    const operatorId = query.operator ?? operators[0]?.id;
    if (!operatorId) throw new GatewayError('OPERATOR_NOT_FOUND', 'no operator to settle');
    requireOperatorView(response, operatorId);
    const { operator, days } = await listSettlementDays(ctx, operatorId, 14);
    sendPage(response, settlementListPage(response, { operators, operatorId, currency: operator.currency, days }));
  });

  router.get('/:operatorId/:day', async (request, response) => {
    const { operatorId, day } = parseInput(DayParams, request.params, 'path');
    requireOperatorView(response, operatorId);
    const notice = request.query.closed === '1' ? { ok: `${day} is closed: this statement will not change.` } : {};
    sendPage(response, statementPage(response, await settlementStatement(ctx, operatorId, day), notice));
  });

  router.post('/:operatorId/:day/close', async (request, response) => {
    const { operatorId, day } = parseInput(DayParams, request.params, 'path');
    requireOperatorView(response, operatorId, true);
    try {
      await closeStatement(ctx, operatorId, day, closedByOf(response));
    } catch (error) {
      if (!(error instanceof GatewayError) || !['SETTLEMENT_ALREADY_CLOSED', 'SETTLEMENT_DAY_NOT_OVER'].includes(error.code)) throw error;
      sendPage(response, statementPage(response, await settlementStatement(ctx, operatorId, day), { problem: error.message }), httpStatusOf(error.code));
      return;
    }
    response.redirect(303, `/console/settlement/${encodeURIComponent(operatorId)}/${day}?closed=1`);
  });

  return router;
}
