import { GatewayError } from '../errors.js';
import { canSeeOperator, type Principal } from './principal.js';

/**
 * For routes named by a record's own id (a receipt, an invoice, a dispute): the rider it belongs
 * to, or staff of the operator it concerns. Others are refused without telling what it holds.
 */
export function requireOwnRecord(principal: Principal, record: { riderId: string; operatorId: string }): void {
  if (principal.kind === 'rider' && principal.riderId === record.riderId) return;
  if (principal.kind === 'staff' && canSeeOperator(principal, record.operatorId)) return;
  throw new GatewayError('FORBIDDEN', principal.kind === 'rider' ? 'this is not your record' : `this record belongs to another operator`);
}
