import type { Request } from 'express';
import { z } from 'zod';
import { arrearsViewOf, type ArrearsView } from '../arrears/arrearsView.js';
import type { GatewayContext } from '../context.js';
import { GatewayError } from '../errors.js';
import { csrfField, riderPage } from '../console/layout.js';
import { html, type Html } from '../console/html.js';
import { creditLineOf, type CreditLine } from '../funding/creditLine.js';
import { topUp } from '../riders/topUp.js';
import type { Rider } from '../riders/riderRecords.js';
import { csrfTokenOf } from '../access/principal.js';
import { minorDigits, pageFormats, type PageFormats } from './format.js';
import { amountField, parseForm } from './forms.js';
import { entered, noticeBox, problemBox, type PageProblem, type PageRenderer } from './pageHandlers.js';

const NOTICES = {
  topup: 'Topped up. Anything you owed was repaid from it at once.',
  'topup-repeated': 'That top-up was already made (the form was sent twice): nothing more was taken.',
};

const STANDING: Record<ArrearsView['state'], string> = {
  current: 'You owe nothing.',
  settled: 'You owe nothing: everything advanced for you has been repaid.',
  advanced: 'We paid the operator for you (an advance). Repay it by topping up; we also retry from your balance now and then.',
  in_grace: 'A retry could not repay the advance. Repay before the grace period ends, or your codes and vehicles will be refused at gates.',
  deny_listed: 'The grace period has ended: gates and toll lanes refuse your codes and vehicles until you repay. They are let through again the moment you do.',
};

/** What a top-up must bring so that every debt can be repaid: repayments take the wallet down to minus the pay-later line. */
export function topUpToRepayMinor(arrears: Pick<ArrearsView, 'outstandingMinor'>, line: Pick<CreditLine, 'balanceMinor' | 'payLaterLimitMinor'>): number {
  return Math.max(0, arrears.outstandingMinor - Math.max(0, line.balanceMinor + line.payLaterLimitMinor));
}

function arrearsSection(format: PageFormats, rider: Rider, arrears: ArrearsView, toRepayMinor: number): Html {
  const money = (minor: number) => format.money(minor, rider.currency);
  const open = arrears.records.filter((record) => record.state !== 'settled');
  return html`<h2 id="arrears">Arrears</h2>
<p class="standing standing-${arrears.state}">${arrears.outstandingMinor > 0 ? html`You owe <strong>${money(arrears.outstandingMinor)}</strong>. ` : ''}${STANDING[arrears.state]}</p>
${toRepayMinor > 0 ? html`<p><strong>How to repay:</strong> top up at least ${money(toRepayMinor)} below; the debt is repaid from it at once, oldest first.</p>` : ''}
${open.length
  ? html`<table><thead><tr><th>Advanced</th><th>For charge</th><th class="num">Advanced</th><th class="num">Repaid</th><th class="num">Owed</th><th>State</th><th>Grace ends</th></tr></thead><tbody>
${open.map((record) => html`<tr><td>${format.time(record.advancedAt)}</td><td>${record.journeyId ? html`<a href="/me/journeys#journey-${record.journeyId}">journey</a>` : record.postingId}</td><td class="num">${money(record.advancedMinor)}</td><td class="num">${money(record.repaidMinor)}</td><td class="num">${money(record.outstandingMinor)}</td><td>${record.state.replace('_', ' ')}</td><td>${format.time(record.graceEndsAt)}</td></tr>`)}
</tbody></table>`
  : ''}`;
}

/** /me/money: balance, the pay-later line, arrears and how to repay them, and the top-up form. */
export function moneyPage(ctx: GatewayContext): PageRenderer {
  const format = pageFormats(ctx.config);
  return async (request, response, rider, problem?: PageProblem) => {
    const [line, arrears] = await Promise.all([creditLineOf(ctx.knex, rider, ctx.config.payLaterMinScore), arrearsViewOf(ctx.knex, rider.id)]);
    const money = (minor: number) => format.money(minor, rider.currency);
    const toRepayMinor = topUpToRepayMinor(arrears, line);
    const digits = minorDigits(rider.currency);
    const suggested = toRepayMinor > 0 ? (toRepayMinor / 10 ** digits).toFixed(digits) : '';
    const body = html`${noticeBox(request, NOTICES)}${problemBox(problem)}
<dl class="facts">
<dt>Balance</dt><dd id="balance">${money(line.balanceMinor)}</dd>
<dt>Pay-later line</dt><dd>${line.payLaterLimitMinor > 0 ? html`${money(line.payLaterLimitMinor)}, of which ${money(line.usedMinor)} used` : 'none: you travel on your balance'}</dd>
<dt>Available for travel</dt><dd>${money(Math.max(0, line.availableMinor))}</dd>
</dl>
<p class="hint">You ride first and pay after: each journey and toll is taken from your balance, then from your pay-later line (your balance may go down to minus the line). A family payer, if you have one, pays first (see <a href="/me/family">Family</a>). If none of these covers a charge, the operator is still paid and you owe us the difference.</p>
${arrearsSection(format, rider, arrears, toRepayMinor)}
<h2 id="top-up">Top up</h2>
<form class="card" method="post" action="/me/money/topup">
${csrfField(csrfTokenOf(response))}
<input type="hidden" name="reference" value="${(problem?.status === 400 && entered(problem, 'reference')) || ctx.ids()}">
<label>Amount (${rider.currency})<input name="amount" inputmode="decimal" required value="${entered(problem, 'amount') ?? suggested}" placeholder="20.00"></label>
<button class="primary" type="submit">Top up</button>
</form>
<p class="hint">In this deployment a top-up is recorded as paid at once; a production deployment puts its card payment step in front of it.</p>`;
    return riderPage(response, { title: 'Balance and arrears', body });
  };
}

/** POST /me/money/topup: the form's reference makes a form sent twice one top-up. */
export function topUpAction(ctx: GatewayContext) {
  return async (request: Request, rider: Rider): Promise<string> => {
    const form = parseForm(z.object({ amount: amountField(rider.currency), reference: z.string({ error: 'The form is incomplete: reload the page.' }).regex(/^[A-Za-z0-9-]{1,64}$/, 'The form is incomplete: reload the page.') }), request.body);
    let result;
    try {
      result = await topUp(ctx, rider.id, { amountMinor: form.amount, reference: `web-${form.reference}` });
    } catch (error) {
      // The page was sent back after a top-up and sent again with another amount.
      if (error instanceof GatewayError && error.code === 'IDEMPOTENCY_CONFLICT') throw new GatewayError('IDEMPOTENCY_CONFLICT', 'This form was already used for a top-up of another amount: nothing more was taken. Enter the amount again below.', { cause: error });
      throw error;
    }
    return `/me/money?done=${result.created ? 'topup' : 'topup-repeated'}#top-up`;
  };
}
