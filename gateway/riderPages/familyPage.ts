import type { Request } from 'express';
import { z } from 'zod';
import { csrfTokenOf } from '../access/principal.js';
import type { GatewayContext } from '../context.js';
import { html, type Html } from '../console/html.js';
import { csrfField, riderPage } from '../console/layout.js';
import { GatewayError } from '../errors.js';
import { familySpentMinor, findFamilyLink, linkFamilyPayer, membersPaidBy, monthOf, stopPayingFor, unlinkFamilyPayer, type FamilyLink } from '../funding/familyPayer.js';
import { listPayerNotices } from '../funding/payerNotices.js';
import type { Rider } from '../riders/riderRecords.js';
import { pageFormats } from './format.js';
import { amountField, parseForm, textField } from './forms.js';
import { entered, noticeBox, problemBox, type PageProblem, type PageRenderer } from './pageHandlers.js';

const NOTICES = {
  linked: 'Your family payer now pays for your journeys and tolls, up to the monthly limit.',
  unlinked: 'You pay for your own travel again.',
  stopped: 'You no longer pay for that family member.',
};

async function namesOf(ctx: GatewayContext, riderIds: string[]): Promise<Map<string, string>> {
  if (!riderIds.length) return new Map();
  const rows = await ctx.knex('riders').whereIn('id', riderIds).select('id', 'name');
  return new Map(rows.map((row) => [String(row.id), String(row.name)]));
}

/** /me/family: who pays for me and up to what each month, whom I pay for, and the notice of each charge I paid for them. */
export function familyPage(ctx: GatewayContext): PageRenderer {
  const format = pageFormats(ctx.config);
  return async (request, response, rider, problem?: PageProblem) => {
    const month = monthOf(ctx.clock.now());
    const [payer, members, notices] = await Promise.all([findFamilyLink(ctx.knex, rider.id), membersPaidBy(ctx.knex, rider.id), listPayerNotices(ctx.knex, rider.id, 50)]);
    const names = await namesOf(ctx, [...(payer ? [payer.payerRiderId] : []), ...members.map((link) => link.memberRiderId), ...notices.map((notice) => notice.memberRiderId)]);
    const spent = async (link: FamilyLink) => familySpentMinor(ctx.knex, link, month);
    const money = (minor: number) => format.money(minor, rider.currency);
    const csrf = csrfField(csrfTokenOf(response));
    const payerPart: Html = payer
      ? html`<dl class="facts" id="payer"><dt>Paid by</dt><dd>${names.get(payer.payerRiderId) ?? payer.payerRiderId}</dd><dt>Monthly limit</dt><dd>${money(payer.monthlyLimitMinor)}</dd><dt>Used in ${month}</dt><dd>${money(await spent(payer))}</dd></dl>
<form method="post" action="/me/family/payer/remove">${csrf}<button type="submit">Stop: I pay for myself</button></form>`
      : html`<p class="hint">Nobody pays for you: your journeys are taken from your own balance.</p>
<form class="card" method="post" action="/me/family/payer">${csrf}
<label>Your payer's rider number<input name="payerRiderId" required value="${entered(problem, 'payerRiderId') ?? ''}" autocomplete="off"></label>
<label>Most they pay a month (${rider.currency})<input name="monthlyLimit" inputmode="decimal" required value="${entered(problem, 'monthlyLimit') ?? ''}" placeholder="50.00"></label>
<button class="primary" type="submit">Save my payer</button></form>`;
    const memberRows = await Promise.all(
      members.map(async (link) => html`<tr data-member-id="${link.memberRiderId}"><td>${names.get(link.memberRiderId) ?? link.memberRiderId}</td><td class="num">${money(link.monthlyLimitMinor)}</td><td class="num">${money(await spent(link))}</td><td>${format.day(link.createdAt)}</td>
<td><form class="inline" method="post" action="/me/family/members/${link.memberRiderId}/remove">${csrf}<button type="submit">Stop paying</button></form></td></tr>`),
    );
    const body = html`${noticeBox(request, NOTICES)}${problemBox(problem)}
<h2>Who pays for you</h2>
${payerPart}
<h2>Whom you pay for</h2>
<p class="hint">Your rider number is <code id="own-rider-number">${rider.id}</code>. A family member who gives it on their Family page has their journeys paid from your balance, up to the monthly limit they set; you are told of every charge below, and can stop at any time.</p>
${members.length
  ? html`<table id="members"><thead><tr><th>Member</th><th class="num">Monthly limit</th><th class="num">Paid in ${month}</th><th>Since</th><th></th></tr></thead><tbody>${memberRows}</tbody></table>`
  : html`<p class="hint">You pay for nobody.</p>`}
<h2>Charges you paid for family members</h2>
${notices.length
  ? html`<table id="notices"><thead><tr><th>When</th><th>Member</th><th>What</th><th class="num">Amount</th></tr></thead><tbody>
${notices.map((notice) => html`<tr><td>${format.time(notice.createdAt)}</td><td>${names.get(notice.memberRiderId) ?? notice.memberRiderId}</td><td>${notice.message}</td><td class="num">${format.money(notice.amountMinor, notice.currency)}</td></tr>`)}
</tbody></table>`
  : html`<p class="hint">No charges paid for others yet.</p>`}`;
    return riderPage(response, { title: 'Family', body });
  };
}

/** POST /me/family/payer: the member names their payer by the payer's rider number. */
export function linkPayerAction(ctx: GatewayContext) {
  return async (request: Request, rider: Rider): Promise<string> => {
    const form = parseForm(z.object({ payerRiderId: textField("Your payer's rider number", 64), monthlyLimit: amountField(rider.currency, 'Most they pay a month') }), request.body);
    try {
      await linkFamilyPayer(ctx, rider.id, { payerRiderId: form.payerRiderId, monthlyLimitMinor: form.monthlyLimit });
    } catch (error) {
      if (error instanceof GatewayError && error.code === 'RIDER_NOT_FOUND') {
        throw new GatewayError('RIDER_NOT_FOUND', `No rider has the number ${form.payerRiderId}: ask your payer for the number on their Family page.`, { cause: error });
      }
      throw error;
    }
    return '/me/family?done=linked';
  };
}

/** POST /me/family/payer/remove. */
export function unlinkPayerAction(ctx: GatewayContext) {
  return async (_request: Request, rider: Rider): Promise<string> => {
    try {
      await unlinkFamilyPayer(ctx, rider.id);
    } catch (error) {
      if (error instanceof GatewayError && error.code === 'RIDER_NOT_FOUND') throw new GatewayError('RIDER_NOT_FOUND', 'Nobody pays for you: there is no payer to remove.', { cause: error });
      throw error;
    }
    return '/me/family?done=unlinked';
  };
}

/** POST /me/family/members/:memberId/remove: the payer stops paying for a member. */
export function stopPayingAction(ctx: GatewayContext) {
  return async (request: Request, rider: Rider): Promise<string> => {
    try {
      await stopPayingFor(ctx, rider.id, String(request.params.memberId));
    } catch (error) {
      if (error instanceof GatewayError && error.code === 'RIDER_NOT_FOUND') throw new GatewayError('RIDER_NOT_FOUND', 'You do not pay for that rider.', { cause: error });
      throw error;
    }
    return '/me/family?done=stopped';
  };
}
