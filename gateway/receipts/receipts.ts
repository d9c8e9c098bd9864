import type { Knex } from 'knex';
import { toNumber } from '../db/rows.js';
import { NotFoundError } from '../errors.js';
import { loadChargeLines, type ChargeLine } from './chargeLines.js';
import { operatorBilling, type OperatorBilling } from './operatorBilling.js';
import { vatIncludedMinor } from './vat.js';

/** The receipt every charge gets (docs/api.md, "Receipts"). Derived from the posting, so it cannot drift. */
export interface Receipt {
  /** RC-<posting id>: unique because posting ids are. */
  number: string;
  chargeId: string;
  issuedAt: number;
  operator: Omit<OperatorBilling, 'invoicePrefix'>;
  journeyId: string | null;
  riderId: string;
  description: string;
  amountMinor: number;
  taxMinor: number;
  vatRateBp: number;
  currency: string;
  paidBy: ChargeLine['paidBy'];
  /** Granted disputes against this charge. */
  refunds: Array<{ disputeId: string; postingId: string; amountMinor: number; taxMinor: number; at: number }>;
  /** The invoice that lists it, once one does. */
  invoiceNumber: string | null;
}

export async function receiptsOf(db: Knex | Knex.Transaction, lines: ChargeLine[]): Promise<Receipt[]> {
  if (!lines.length) return [];
  const ids = lines.map((line) => line.postingId);
  const [disputes, invoiced] = await Promise.all([
    db('disputes').whereIn('posting_id', ids).where('state', 'granted').select('id', 'posting_id', 'refund_posting_id', 'granted_minor', 'decided_at'),
    db('invoice_lines').join('invoices', 'invoices.id', 'invoice_lines.invoice_id').whereIn('invoice_lines.posting_id', ids).select('invoice_lines.posting_id', 'invoices.number'),
  ]);
  const billing = new Map<string, OperatorBilling>();
  const receipts: Receipt[] = [];
  for (const line of lines) {
    if (!billing.has(line.operatorId)) billing.set(line.operatorId, await operatorBilling(db, line.operatorId));
    const { invoicePrefix: _prefix, ...operator } = billing.get(line.operatorId)!;
    receipts.push({
      number: `RC-${line.postingId}`,
      chargeId: line.postingId,
      issuedAt: line.postedAt,
      operator,
      journeyId: line.journeyId,
      riderId: line.riderId,
      description: line.description,
      amountMinor: line.amountMinor,
      taxMinor: vatIncludedMinor(line.amountMinor, operator.vatRateBp),
      vatRateBp: operator.vatRateBp,
      currency: line.currency,
      paidBy: line.paidBy,
      refunds: disputes
        .filter((row) => row.posting_id === line.postingId)
        .map((row) => ({ disputeId: String(row.id), postingId: String(row.refund_posting_id), amountMinor: toNumber(row.granted_minor), taxMinor: vatIncludedMinor(toNumber(row.granted_minor), operator.vatRateBp), at: toNumber(row.decided_at) })),
      invoiceNumber: invoiced.find((row) => row.posting_id === line.postingId)?.number ?? null,
    });
  }
  return receipts;
}

export async function receiptOfCharge(db: Knex, chargeId: string): Promise<Receipt> {
  const [line] = await loadChargeLines(db, { postingIds: [chargeId] });
  if (!line) throw new NotFoundError('CHARGE_NOT_FOUND', `charge ${chargeId}`);
  return (await receiptsOf(db, [line]))[0];
}
