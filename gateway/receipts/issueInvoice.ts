import type { Knex } from 'knex';
import { z } from 'zod';
import type { GatewayContext } from '../context.js';
import { lockForTransaction } from '../db/locks.js';
import { inTransaction } from '../db/unitOfWork.js';
import { toNumber } from '../db/rows.js';
import { GatewayError, NotFoundError } from '../errors.js';
import { requireRider } from '../riders/riderRecords.js';
import { loadChargeLines, type ChargeLine } from './chargeLines.js';
import { loadInvoice, type Invoice } from './invoiceRecords.js';
import { operatorBilling } from './operatorBilling.js';
import { vatIncludedMinor } from './vat.js';

export const InvoiceRequest = z.union([
  z.object({ day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), operatorId: z.string().optional() }).strict(),
  z.object({ month: z.string().regex(/^\d{4}-\d{2}$/), operatorId: z.string().optional() }).strict(),
  z.object({ chargeIds: z.array(z.string().min(1).max(64)).min(1).max(1000) }).strict(),
]);
export type InvoiceRequest = z.infer<typeof InvoiceRequest>;

/** [from, to) in UTC for a day or a month; charges are placed by the time they were posted. */
function periodOf(request: InvoiceRequest): { scope: Invoice['scope']; period: string | null; fromMs?: number; toMs?: number } {
  if ('day' in request) {
    const fromMs = Date.parse(`${request.day}T00:00:00Z`);
    if (Number.isNaN(fromMs)) throw new GatewayError('VALIDATION_FAILED', `day ${request.day} is not a date`);
    return { scope: 'day', period: request.day, fromMs, toMs: fromMs + 86_400_000 };
  }
  if ('month' in request) {
    const fromMs = Date.parse(`${request.month}-01T00:00:00Z`);
    if (Number.isNaN(fromMs)) throw new GatewayError('VALIDATION_FAILED', `month ${request.month} is not a month`);
    const to = new Date(fromMs);
    to.setUTCMonth(to.getUTCMonth() + 1);
    return { scope: 'month', period: request.month, fromMs, toMs: to.getTime() };
  }
  return { scope: 'charges', period: null };
}

/** Gap-free per operator: the counter row is locked until the transaction ends, and a rollback undoes it. */
async function nextInvoiceSeq(trx: Knex.Transaction, operatorId: string): Promise<number> {
  await trx('invoice_counters').insert({ operator_id: operatorId, last_seq: 0 }).onConflict('operator_id').ignore();
  await trx('invoice_counters').where({ operator_id: operatorId }).increment('last_seq', 1);
  const row = await trx('invoice_counters').where({ operator_id: operatorId }).first('last_seq');
  return toNumber(row?.last_seq);
}

/**
 * Issue e-invoices for a rider's charges (a day, a month, or chosen charges): one per operator,
 * numbered <prefix>-<000001> in sequence per operator. No charge is invoiced twice: a request
 * that covers an invoiced charge is refused whole with CHARGE_ALREADY_INVOICED naming the
 * invoice (and invoice_lines.posting_id is unique, for concurrent requests).
 */
export async function issueInvoices(ctx: GatewayContext, riderId: string, request: InvoiceRequest): Promise<Invoice[]> {
  return inTransaction(ctx.knex, async ({ trx }) => {
    const now = ctx.clock.now();
    await lockForTransaction(trx, `invoices:${riderId}`);
    const rider = await requireRider(trx, riderId);
    const { scope, period, fromMs, toMs } = periodOf(request);
    let lines = await loadChargeLines(trx, { riderId: rider.id, postingIds: 'chargeIds' in request ? request.chargeIds : undefined, fromMs, toMs });
    if ('chargeIds' in request) {
      const missing = request.chargeIds.find((id) => !lines.some((line) => line.postingId === id));
      if (missing) throw new NotFoundError('CHARGE_NOT_FOUND', `charge ${missing} of rider ${rider.id}`);
    } else if (request.operatorId) lines = lines.filter((line) => line.operatorId === request.operatorId);
    if (!lines.length) throw new GatewayError('NOTHING_TO_INVOICE', `rider ${rider.id} has no charges ${period ? `in ${period}` : 'to invoice'}`);
    const taken = await trx('invoice_lines').join('invoices', 'invoices.id', 'invoice_lines.invoice_id').whereIn('invoice_lines.posting_id', lines.map((line) => line.postingId)).first('invoice_lines.posting_id', 'invoices.number', 'invoices.id');
    if (taken) {
      throw new GatewayError('CHARGE_ALREADY_INVOICED', `charge ${taken.posting_id} is already on invoice ${taken.number}`, { details: { chargeId: taken.posting_id, invoiceNumber: taken.number, invoiceId: taken.id } });
    }
    const byOperator = new Map<string, ChargeLine[]>();
    for (const line of lines) byOperator.set(line.operatorId, [...(byOperator.get(line.operatorId) ?? []), line]);
    const issued: Invoice[] = [];
    for (const [operatorId, own] of [...byOperator].sort(([a], [b]) => a.localeCompare(b))) {
      const seller = await operatorBilling(trx, operatorId);
      const seq = await nextInvoiceSeq(trx, operatorId);
      const id = ctx.ids();
      const grossMinor = own.reduce((total, line) => total + line.amountMinor, 0);
      await trx('invoices').insert({
        id,
        number: `${seller.invoicePrefix}-${String(seq).padStart(6, '0')}`,
        operator_id: operatorId,
        seq,
        rider_id: rider.id,
        scope,
        period,
        currency: own[0].currency,
        gross_minor: grossMinor,
        tax_minor: vatIncludedMinor(grossMinor, seller.vatRateBp),
        vat_rate_bp: seller.vatRateBp,
        seller: JSON.stringify({ name: seller.name, legalName: seller.legalName, address: seller.address, taxId: seller.taxId }),
        buyer: JSON.stringify({ riderId: rider.id, name: rider.name, email: rider.email }),
        issued_at: now,
      });
      await trx('invoice_lines').insert(own.map((line) => ({ invoice_id: id, posting_id: line.postingId, journey_id: line.journeyId, description: line.description, posted_at: line.postedAt, gross_minor: line.amountMinor, tax_minor: vatIncludedMinor(line.amountMinor, seller.vatRateBp) })));
      issued.push(await loadInvoice(trx, id));
    }
    return issued;
  });
}
