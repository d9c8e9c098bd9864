import type { GatewayContext } from '../context.js';
import { lockForTransaction } from '../db/locks.js';
import { inTransaction } from '../db/unitOfWork.js';
import { GatewayError } from '../errors.js';
import { windowOf } from './businessDays.js';
import { draftStatement, requireSettlementOperator } from './draftStatement.js';
import { statementDigest, type SettlementStatement } from './statement.js';
import { closedStatementExists, saveClosedStatement } from './statementRecords.js';

function alreadyClosed(operatorId: string, day: string): GatewayError {
  return new GatewayError('SETTLEMENT_ALREADY_CLOSED', `the statement of ${operatorId} for ${day} is closed; a closed statement never changes`);
}

/**
 * Close a business day's statement: the draft as the data stand now is stored with its digest
 * and never changes again (the tables refuse updates and deletes). Only a day that is over can
 * be closed, and only once. The draft is computed before the short transaction that stores it,
 * so ingest is not held up while a large day is reconciled.
 */
export async function closeStatement(ctx: GatewayContext, operatorId: string, day: string, closedBy: string | null): Promise<SettlementStatement> {
  const operator = await requireSettlementOperator(ctx.knex, operatorId);
  const window = windowOf(ctx.config, day);
  if (window.toMs > ctx.clock.now()) throw new GatewayError('SETTLEMENT_DAY_NOT_OVER', `business day ${day} ends at ${new Date(window.toMs).toISOString()}; it can be closed after that`);
  if (await closedStatementExists(ctx.knex, operatorId, day)) throw alreadyClosed(operatorId, day);
  const draft = await draftStatement(ctx, operator, day);
  const closedAt = ctx.clock.now();
  const closed: SettlementStatement = { ...draft, state: 'closed', computedAt: closedAt, closedAt, closedBy };
  closed.digest = statementDigest(closed);
  await inTransaction(ctx.knex, async ({ trx }) => {
    await lockForTransaction(trx, `settlement:${operatorId}:${day}`);
    if (await closedStatementExists(trx, operatorId, day)) throw alreadyClosed(operatorId, day);
    await saveClosedStatement(trx, ctx.ids(), closed);
  });
  return closed;
}
