import type { Knex } from 'knex';
import { toNumber } from '../db/rows.js';
import { NotFoundError } from '../errors.js';
import { vatIncludedMinor } from './vat.js';

export const VAT_ROUNDING_RULE = 'VAT included: tax = gross x rate / (1 + rate), rounded half away from zero to the minor unit, on the invoice total; line taxes are shown rounded the same way';

/** The structured e-invoice (docs/api.md, "Receipts and invoices"). */
export interface Invoice {
  id: string;
  number: string;
  operatorId: string;
  seller: { name: string; legalName: string; address: string; taxId: string };
  buyer: { riderId: string; name: string; email: string | null };
  scope: 'day' | 'month' | 'charges';
  period: string | null;
  issuedAt: number;
  currency: string;
  vatRateBp: number;
  lines: Array<{ chargeId: string; journeyId: string | null; description: string; postedAt: number; grossMinor: number; taxMinor: number }>;
  grossMinor: number;
  taxMinor: number;
  netMinor: number;
  roundingRule: string;
  /** Granted disputes on its charges after it was issued: the invoice is never edited, refunds are listed against it. */
  refunds: Array<{ disputeId: string; chargeId: string; postingId: string; amountMinor: number; taxMinor: number; at: number }>;
  refundedMinor: number;
  grossAfterRefundsMinor: number;
}

export async function loadInvoice(db: Knex | Knex.Transaction, invoiceId: string): Promise<Invoice> {
  const row = await db('invoices').where({ id: invoiceId }).orWhere({ number: invoiceId }).first();
  if (!row) throw new NotFoundError('INVOICE_NOT_FOUND', `invoice ${invoiceId}`);
  const lineRows = await db('invoice_lines').where({ invoice_id: row.id }).orderBy([{ column: 'posted_at' }, { column: 'id' }]).select();
  const refundRows = await db('disputes').whereIn('posting_id', lineRows.map((line) => line.posting_id)).where('state', 'granted').orderBy('decided_at').select();
  const vatRateBp = toNumber(row.vat_rate_bp);
  const refunds = refundRows.map((dispute) => ({
    disputeId: String(dispute.id),
    chargeId: String(dispute.posting_id),
    postingId: String(dispute.refund_posting_id),
    amountMinor: toNumber(dispute.granted_minor),
    taxMinor: vatIncludedMinor(toNumber(dispute.granted_minor), vatRateBp),
    at: toNumber(dispute.decided_at),
  }));
  const grossMinor = toNumber(row.gross_minor);
  const taxMinor = toNumber(row.tax_minor);
  const refundedMinor = refunds.reduce((total, refund) => total + refund.amountMinor, 0);
  return {
    id: String(row.id),
    number: String(row.number),
    operatorId: String(row.operator_id),
    seller: JSON.parse(row.seller),
    buyer: JSON.parse(row.buyer),
    scope: row.scope,
    period: row.period ?? null,
    issuedAt: toNumber(row.issued_at),
    currency: String(row.currency),
    vatRateBp,
    lines: lineRows.map((line) => ({ chargeId: String(line.posting_id), journeyId: line.journey_id ?? null, description: String(line.description), postedAt: toNumber(line.posted_at), grossMinor: toNumber(line.gross_minor), taxMinor: toNumber(line.tax_minor) })),
    grossMinor,
    taxMinor,
    netMinor: grossMinor - taxMinor,
    roundingRule: VAT_ROUNDING_RULE,
    refunds,
    refundedMinor,
    grossAfterRefundsMinor: grossMinor - refundedMinor,
  };
}

export async function listInvoicesOf(db: Knex, riderId: string): Promise<Array<Pick<Invoice, 'id' | 'number' | 'operatorId' | 'scope' | 'period' | 'issuedAt' | 'grossMinor' | 'taxMinor' | 'currency'>>> {
  const rows = await db('invoices').where({ rider_id: riderId }).orderBy([{ column: 'issued_at', order: 'desc' }, { column: 'number', order: 'desc' }]).select();
  return rows.map((row) => ({ id: String(row.id), number: String(row.number), operatorId: String(row.operator_id), scope: row.scope, period: row.period ?? null, issuedAt: toNumber(row.issued_at), grossMinor: toNumber(row.gross_minor), taxMinor: toNumber(row.tax_minor), currency: String(row.currency) }));
}
