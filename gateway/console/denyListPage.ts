import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { csrfTokenOf } from '../access/principal.js';
import type { GatewayContext } from '../context.js';
import type { GatewayError } from '../errors.js';
import { parseInput } from '../http/validate.js';
import { requireRiderVisibleTo, visibleRiderIds } from '../riders/riderVisibility.js';
import { addToDenyList, DenyReason, releaseFromDenyList, TokenId, type DenyTarget } from '../trust/denyListChanges.js';
import { listDenyListWithOwners, type DenyListEntryView } from '../trust/denyListView.js';
import { formatInstant } from './format.js';
import { html, type Html } from './html.js';
import { csrfField } from './layout.js';
import { doneLocation, field, formAction, mayAct, noticeBlock, noticeOf, problemBlock, showPage, staffOf, type PageContent } from './pageKit.js';

const PAGE = '/console/deny-list';
const PAGE_SIZE = 100;
const PageQuery = z.object({ before: z.coerce.number().int().positive().optional() });
const NewEntry = z.object({ target: z.string().trim().min(1, 'give a token or a rider id').max(64), reason: DenyReason });
/** Reasons staff use most; any other short text is taken too. */
const COMMON_REASONS = ['FRAUD', 'LOST_PHONE', 'STOLEN_TAG', 'ACCOUNT_CLOSED', 'INVESTIGATION'];

const NOTICES = {
  added: (subject: string) => `Added to the deny list: lanes refuse ${subject === '1' ? 'the token' : `the ${subject} tokens`} within seconds.`,
  released: (subject: string) => `Released token ${subject}: lanes let it through again within seconds.`,
};

/** "a token" is 32 hexadecimal digits; anything else is taken for a rider id. */
function targetOf(text: string): DenyTarget {
  return TokenId.safeParse(text).success ? { tokenId: text } : { riderId: text };
}

/**
 * /console/deny-list: every token the lanes refuse, newest first, with the rider or vehicle it
 * belongs to (for an operator's staff, only riders who travelled with them are named); supervisors
 * add a token or all of a rider's tokens, and release one.
 */
export function denyListPage(ctx: GatewayContext) {
  const router = Router();

  async function render(request: Request, response: Response, problem?: GatewayError, typed: { target?: string; reason?: string } = {}): Promise<PageContent> {
    const staff = staffOf(response);
    const { before } = parseInput(PageQuery, request.query, 'query');
    const entries = await listDenyListWithOwners(ctx.knex, { limit: PAGE_SIZE, beforeVersion: before });
    const named = await visibleRiderIds(ctx.knex, staff, entries.flatMap((entry) => (entry.riderId ? [entry.riderId] : [])));
    const canAct = mayAct(staff, 'supervisor');
    const zone = ctx.config.businessTimeZone;
    const row = (entry: DenyListEntryView) => html`<tr data-token="${entry.tokenId}">
<td><code>${entry.tokenId}</code></td>
<td>${ownerOf(entry, named)}</td>
<td>${entry.reason}</td>
<td>${formatInstant(entry.addedAt, zone)}</td>
<td class="num">${entry.version}</td>
${canAct ? html`<td><form class="inline" method="post" action="${PAGE}/${entry.tokenId}/release">${csrfField(csrfTokenOf(response))}<button type="submit">Release</button></form></td>` : ''}
</tr>`;
    const oldest = entries.at(-1);
    const body = html`${noticeBlock(noticeOf(request, NOTICES))}${problemBlock(problem)}
<p class="hint">Lanes refuse these tokens at every gate and gantry; a change reaches them as a trust change within seconds. Times are ${zone}.</p>
${canAct ? addForm(response, typed) : html`<p class="hint">Supervisors and admins add and release entries.</p>`}
<table class="deny-list">
<thead><tr><th scope="col">Token</th><th scope="col">Belongs to</th><th scope="col">Reason</th><th scope="col">Added</th><th scope="col" class="num">Version</th>${canAct ? html`<th scope="col"><span class="hidden-label">Release</span></th>` : ''}</tr></thead>
<tbody>${entries.length ? entries.map(row) : html`<tr><td colspan="${canAct ? 6 : 5}">nothing is on the deny list${before ? ' before this point' : ''}</td></tr>`}</tbody>
</table>
<p class="pager">${before ? html`<a href="${PAGE}">Newest</a>` : ''}${entries.length === PAGE_SIZE && oldest ? html`<a href="${PAGE}?before=${oldest.version}">Older entries</a>` : ''}</p>`;
    return { title: 'Deny list', body };
  }

  router.get(PAGE, (request, response) => showPage(response, 'deny-list', 'Deny list', () => render(request, response)));

  router.post(PAGE, (request, response) => {
    const typed = { target: field(request, 'target'), reason: field(request, 'reason') };
    return formAction(
      response,
      'deny-list',
      async () => {
        const entry = parseInput(NewEntry, typed, 'form');
        const target = targetOf(entry.target);
        // An operator's staff name only riders who travelled with them; others are not found.
        if ('riderId' in target) await requireRiderVisibleTo(ctx.knex, staffOf(response), target.riderId);
        const change = await addToDenyList(ctx, target, entry.reason);
        return doneLocation(PAGE, 'added', change.tokenIds.length);
      },
      (problem) => render(request, response, problem, typed),
    );
  });

  router.post(`${PAGE}/:tokenId/release`, (request, response) =>
    formAction(
      response,
      'deny-list',
      async () => {
        const tokenId = parseInput(TokenId, request.params.tokenId, 'token');
        await releaseFromDenyList(ctx, { tokenId });
        return doneLocation(PAGE, 'released', tokenId);
      },
      (problem) => render(request, response, problem),
    ),
  );

  return router;
}

function ownerOf(entry: DenyListEntryView, named: Set<string>): Html {
  const rider = entry.riderId && named.has(entry.riderId) ? html`<a href="/console/riders/${entry.riderId}">${entry.riderName}</a>` : entry.riderId ? html`<span class="muted">not one of your riders</span>` : html`<span class="muted">unknown token</span>`;
  if (entry.vehicle) return html`vehicle <a href="/console/vehicles?q=${encodeURIComponent(entry.vehicle.plate)}">${entry.vehicle.plate}</a> of ${rider}`;
  return entry.riderId ? html`phone of ${rider}` : rider;
}

function addForm(response: Response, typed: { target?: string; reason?: string }): Html {
  return html`<form class="card" method="post" action="${PAGE}">
${csrfField(csrfTokenOf(response))}
<label>Token or rider id<input name="target" required maxlength="64" size="40" value="${typed.target ?? ''}" placeholder="32 hex digits, or a rider id"></label>
<label>Reason<input name="reason" required maxlength="64" list="deny-reasons" value="${typed.reason ?? ''}"></label>
<datalist id="deny-reasons">${COMMON_REASONS.map((reason) => html`<option value="${reason}">`)}</datalist>
<button class="primary" type="submit">Add to the deny list</button>
</form>`;
}
