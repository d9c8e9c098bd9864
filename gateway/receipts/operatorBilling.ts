import type { Knex } from 'knex';
import { toNumber } from '../db/rows.js';
import { NotFoundError } from '../errors.js';

/** The seller on a receipt or an invoice. */
export interface OperatorBilling {
  operatorId: string;
  name: string;
  legalName: string;
  address: string;
  taxId: string;
  /** VAT included in fares, basis points. */
  vatRateBp: number;
  invoicePrefix: string;
}

/** An operator without billing details is named as it is, at VAT 0, with its id as prefix. */
export async function operatorBilling(db: Knex | Knex.Transaction, operatorId: string): Promise<OperatorBilling> {
  const operator = await db('operators').where({ id: operatorId }).first('id', 'name');
  if (!operator) throw new NotFoundError('OPERATOR_NOT_FOUND', `operator ${operatorId}`);
  const row = await db('operator_billing').where({ operator_id: operatorId }).first();
  return {
    operatorId,
    name: String(operator.name),
    legalName: String(row?.legal_name ?? operator.name),
    address: String(row?.address ?? ''),
    taxId: String(row?.tax_id ?? ''),
    vatRateBp: toNumber(row?.vat_rate_bp ?? 0),
    invoicePrefix: String(row?.invoice_prefix ?? operatorId.toUpperCase()),
  };
}
