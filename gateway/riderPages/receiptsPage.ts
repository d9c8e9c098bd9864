import type { Request } from 'express';
import { z } from 'zod';
import { csrfTokenOf } from '../access/principal.js';
import type { GatewayContext } from '../context.js';
import { html, type Html } from '../console/html.js';
import { csrfField, riderPage } from '../console/layout.js';
import { GatewayError } from '../errors.js';
import { journeyFromRow } from '../journeys/journeyRecords.js';
import { loadChargeLines } from '../receipts/chargeLines.js';
import { listInvoicesOf } from '../receipts/invoiceRecords.js';
import { issueInvoices, type InvoiceRequest } from '../receipts/issueInvoice.js';
import { receiptsOf, type Receipt } from '../receipts/receipts.js';
import type { Rider } from '../riders/riderRecords.js';
import { journeyRoute, siteNamer } from './breakdownView.js';
import { pageFormats, type PageFormats } from './format.js';
import { parseForm, repeatedField } from './forms.js';
import { entered, noticeBox, problemBox, type PageProblem, type PageRenderer } from './pageHandlers.js';

const SHOWN = 100;
const NOTICES = { invoiced: 'Invoice issued: it is at the top of the list below.' };

const InvoiceForm = z.discriminatedUnion(
  'scope',
  [
    z.object({ scope: z.literal('day'), day: z.string({ error: 'Day: choose a day.' }).regex(/^\d{4}-\d{2}-\d{2}$/, 'Day: choose a day.') }),
    z.object({ scope: z.literal('month'), month: z.string({ error: 'Month: choose a month.' }).regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'Month: choose a month.') }),
    z.object({ scope: z.literal('charges'), chargeId: repeatedField(z.string().min(1).max(64)).pipe(z.array(z.string()).min(1, 'Tick at least one charge to put on the invoice.').max(1000, 'At most 1000 charges on one invoice.')) }),
  ],
  { error: 'The form is incomplete: reload the page.' },
);

function paidBy(rider: Rider, receipt: Receipt, format: PageFormats): string {
  const who = (part: Receipt['paidBy'][number]) =>
    part.kind === 'arrears_advance' ? 'advanced for you (owed)' : part.kind === 'rider_wallet' ? (part.ownerId === rider.id ? 'your balance' : 'your family payer') : part.kind;
  const parts = receipt.paidBy.filter((part) => part.amountMinor !== 0);
  if (parts.length === 1) return who(parts[0]);
  return parts.map((part) => `${who(part)} ${format.money(part.amountMinor, receipt.currency)}`).join(' + ');
}

function receiptRow(rider: Rider, receipt: Receipt, format: PageFormats, route: string | undefined, correction: boolean): Html {
  const money = (minor: number) => format.money(minor, receipt.currency);
  const refunded = receipt.refunds.reduce((total, refund) => total + refund.amountMinor, 0);
  return html`<tr data-charge-id="${receipt.chargeId}">
<td><input type="checkbox" name="chargeId" value="${receipt.chargeId}" aria-label="Put ${receipt.number} on an invoice"${receipt.invoiceNumber ? ' disabled' : ''}></td>
<td><a href="/api/receipts/${receipt.chargeId}">${receipt.number}</a></td>
<td>${format.time(receipt.issuedAt)}</td>
<td>${receipt.operator.name}</td>
<td>${receipt.journeyId ? html`<a href="/me/journeys#journey-${receipt.journeyId}" title="${receipt.description}">${route ? `${correction ? 'Correction: ' : ''}${route}` : receipt.description}</a>` : receipt.description}</td>
<td class="num">${money(receipt.amountMinor)}</td>
<td class="num">${money(receipt.taxMinor)} (${receipt.vatRateBp / 100} %)</td>
<td>${paidBy(rider, receipt, format)}${refunded ? ` · refunded ${money(refunded)}` : ''}</td>
<td>${receipt.invoiceNumber ?? '—'}</td>
</tr>`;
}

/** /me/receipts: a receipt for every charge, e-invoices for a day, a month or chosen charges, and the invoices issued. */
export function receiptsPage(ctx: GatewayContext): PageRenderer {
  const format = pageFormats(ctx.config);
  return async (request, response, rider, problem?: PageProblem) => {
    const [lines, invoices, catalog] = await Promise.all([
      loadChargeLines(ctx.knex, { riderId: rider.id }).then((lines) => lines.reverse().slice(0, SHOWN)),
      listInvoicesOf(ctx.knex, rider.id),
      ctx.catalog.current(),
    ]);
    const receipts = await receiptsOf(ctx.knex, lines);
    const corrections = new Set(lines.filter((line) => line.kind === 'adjust').map((line) => line.postingId));
    const operatorName = (id: string) => catalog.operators.find((operator) => operator.id === id)?.name ?? id;
    const journeyIds = receipts.map((receipt) => receipt.journeyId).filter((id): id is string => id !== null);
    const journeys = journeyIds.length ? (await ctx.knex('journeys').whereIn('id', journeyIds).where('rider_id', rider.id).select()).map(journeyFromRow) : [];
    const siteName = siteNamer(catalog.sitesById);
    const routes = new Map(journeys.map((journey) => [journey.id, journeyRoute({ siteName }, journey)]));
    const csrf = csrfField(csrfTokenOf(response));
    const latest = new Date(receipts[0]?.issuedAt ?? ctx.clock.now()).toISOString();
    const body = html`${noticeBox(request, NOTICES)}${problemBox(problem)}
<h2>E-invoices</h2>
<p class="hint">An invoice lists charges of one operator (one invoice per operator) with the seller's tax details and VAT. No charge is invoiced twice. Days and months are counted in UTC.</p>
<form class="card" method="post" action="/me/receipts/invoices">${csrf}<input type="hidden" name="scope" value="day">
<label>Day<input type="date" name="day" required value="${entered(problem, 'day') ?? latest.slice(0, 10)}"></label><button type="submit">Invoice this day</button></form>
<form class="card" method="post" action="/me/receipts/invoices">${csrf}<input type="hidden" name="scope" value="month">
<label>Month<input type="month" name="month" required value="${entered(problem, 'month') ?? latest.slice(0, 7)}"></label><button type="submit">Invoice this month</button></form>
${invoices.length
  ? html`<table id="invoices"><thead><tr><th>Invoice</th><th>Issued</th><th>Covers</th><th>Seller</th><th class="num">Total</th><th class="num">VAT</th><th>Open</th></tr></thead><tbody>
${invoices.map((invoice) => html`<tr data-invoice-id="${invoice.id}"><td>${invoice.number}</td><td>${format.time(invoice.issuedAt)}</td><td>${invoice.period ?? 'chosen charges'}</td><td>${operatorName(invoice.operatorId)}</td><td class="num">${format.money(invoice.grossMinor, invoice.currency)}</td><td class="num">${format.money(invoice.taxMinor, invoice.currency)}</td><td><a href="/api/invoices/${invoice.id}/html">printable</a> · <a href="/api/invoices/${invoice.id}">JSON</a></td></tr>`)}
</tbody></table>`
  : html`<p class="hint" id="invoices">No invoices yet.</p>`}
<h2>Receipts</h2>
${receipts.length
  ? html`<form method="post" action="/me/receipts/invoices">${csrf}<input type="hidden" name="scope" value="charges">
<table id="receipts"><thead><tr><th><span class="sr-only">Choose</span></th><th>Receipt</th><th>Charged</th><th>Operator</th><th>For</th><th class="num">Amount</th><th class="num">VAT included</th><th>Paid by</th><th>Invoice</th></tr></thead><tbody>
${receipts.map((receipt) => receiptRow(rider, receipt, format, receipt.journeyId ? routes.get(receipt.journeyId) : undefined, corrections.has(receipt.chargeId)))}
</tbody></table>
<p><button type="submit">Invoice the ticked charges</button></p>
</form>
<p class="hint">Your latest ${SHOWN} charges, newest first. A correction after a late passage is a charge of its own (negative when money went back to you).</p>`
  : html`<p class="hint">No charges yet: every journey and toll gets a receipt here once it is charged.</p>`}`;
    return riderPage(response, { title: 'Receipts and invoices', body });
  };
}

/** POST /me/receipts/invoices. */
export function invoiceAction(ctx: GatewayContext) {
  return async (request: Request, rider: Rider): Promise<string> => {
    const form = parseForm(InvoiceForm, request.body);
    const invoiceRequest: InvoiceRequest = form.scope === 'day' ? { day: form.day } : form.scope === 'month' ? { month: form.month } : { chargeIds: form.chargeId };
    try {
      await issueInvoices(ctx, rider.id, invoiceRequest);
    } catch (error) {
      if (error instanceof GatewayError && error.code === 'NOTHING_TO_INVOICE') throw new GatewayError('NOTHING_TO_INVOICE', `You have no charges ${form.scope === 'charges' ? 'to invoice' : `in ${form.scope === 'day' ? form.day : form.month}`}.`, { cause: error });
      throw error;
    }
    return '/me/receipts?done=invoiced#invoices';
  };
}
