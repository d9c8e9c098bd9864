import type { Invoice } from './invoiceRecords.js';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const money = (minor: number, currency: string) => `${minor < 0 ? '-' : ''}${Math.floor(Math.abs(minor) / 100)}.${String(Math.abs(minor) % 100).padStart(2, '0')} ${escape(currency)}`;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** A printable invoice (print to PDF from the browser). Amounts assume two minor digits, as EUR has. */
export function renderInvoiceHtml(invoice: Invoice): string {
  const c = invoice.currency;
  const rows = invoice.lines.map((line) => `<tr><td>${day(line.postedAt)}</td><td>${escape(line.description)}</td><td class="n">${money(line.taxMinor, c)}</td><td class="n">${money(line.grossMinor, c)}</td></tr>`).join('\n');
  const refunds = invoice.refunds.length
    ? `<h2>Refunds against this invoice</h2><table><tr><th>Date</th><th>Dispute</th><th class="n">VAT</th><th class="n">Amount</th></tr>${invoice.refunds
        .map((refund) => `<tr><td>${day(refund.at)}</td><td>${escape(refund.disputeId)} (charge ${escape(refund.chargeId)})</td><td class="n">-${money(refund.taxMinor, c)}</td><td class="n">-${money(refund.amountMinor, c)}</td></tr>`)
        .join('')}</table><p>Total after refunds: ${money(invoice.grossAfterRefundsMinor, c)}</p>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Invoice ${escape(invoice.number)}</title>
<link rel="stylesheet" href="/invoice.css"></head>
<body>
<h1>Invoice ${escape(invoice.number)}</h1>
<p><strong>${escape(invoice.seller.legalName)}</strong><br>${escape(invoice.seller.address)}<br>VAT id ${escape(invoice.seller.taxId)}</p>
<p>Billed to: ${escape(invoice.buyer.name)} (rider ${escape(invoice.buyer.riderId)})<br>Issued ${day(invoice.issuedAt)}${invoice.period ? `, period ${escape(invoice.period)}` : ''}</p>
<table><tr><th>Date</th><th>Charge</th><th class="n">VAT</th><th class="n">Amount</th></tr>
${rows}
<tr><td></td><td>Net</td><td></td><td class="n">${money(invoice.netMinor, c)}</td></tr>
<tr><td></td><td>VAT ${(invoice.vatRateBp / 100).toFixed(2)} % (included)</td><td></td><td class="n">${money(invoice.taxMinor, c)}</td></tr>
<tr><td></td><th>Total</th><td></td><th class="n">${money(invoice.grossMinor, c)}</th></tr></table>
<p><small>${escape(invoice.roundingRule)}</small></p>
${refunds}
</body></html>
`;
}
