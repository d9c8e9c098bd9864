import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { csrfTokenOf } from '../access/principal.js';
import { arrearsViewOf } from '../arrears/arrearsView.js';
import type { GatewayContext } from '../context.js';
import { GatewayError } from '../errors.js';
import { parseInput } from '../http/validate.js';
import { listJourneys, type Journey } from '../journeys/journeyRecords.js';
import { journeySummaryOf } from '../journeys/journeySummary.js';
import { requireRider, riderFunds, type Rider } from '../riders/riderRecords.js';
import { requireRiderVisibleTo } from '../riders/riderVisibility.js';
import { searchRiders, type RiderMatch } from '../riders/riderSearch.js';
import { addToDenyList, DenyReason, releaseFromDenyList } from '../trust/denyListChanges.js';
import { listDenyListWithOwners } from '../trust/denyListView.js';
import { vehiclesOfRider } from '../vehicles/vehicleRecords.js';
import { formatInstant, formatMoney } from './format.js';
import { html, type Html } from './html.js';
import { csrfField } from './layout.js';
import { doneLocation, field, formAction, mayAct, noticeBlock, noticeOf, problemBlock, showPage, staffOf, type PageContent, type StaffPrincipal } from './pageKit.js';

const PAGE = '/console/riders';
const SearchQuery = z.object({ q: z.string().max(200, 'at most 200 characters').default('') });
const RECENT_JOURNEYS = 10;
const NOTICES = {
  denied: (subject: string) => `Denied: lanes refuse ${subject === '1' ? "the rider's token" : `all ${subject} of the rider's tokens`} within seconds.`,
  released: (subject: string) => `Released ${subject === '1' ? 'one token' : `${subject} tokens`}: lanes let the rider through again within seconds.`,
};

/**
 * /console/riders: find a rider by id, name or (the network's staff) e-mail; a rider's status,
 * money (the network's staff), travel and tokens; supervisors deny-list or release all of the
 * rider's tokens. An operator's staff find only riders who travelled with them (riderVisibility.ts).
 */
export function ridersPage(ctx: GatewayContext) {
  const router = Router();
  const zone = ctx.config.businessTimeZone;

  router.get(PAGE, (request, response) =>
    showPage(response, 'riders', 'Riders', async () => {
      const staff = staffOf(response);
      const { q } = parseInput(SearchQuery, request.query, 'query');
      const riders = await searchRiders(ctx.knex, staff, q);
      const network = staff.operatorId === null;
      const row = (rider: RiderMatch) => html`<tr><th scope="row"><a href="${PAGE}/${rider.id}">${rider.name}</a></th><td><code>${rider.id}</code></td>${network ? html`<td>${rider.email ?? '–'}</td>` : ''}<td class="state-${rider.status === 'active' ? 'ok' : 'bad'}">${rider.status}</td><td>${formatInstant(rider.createdAt, zone)}</td></tr>`;
      return { title: 'Riders', body: html`<form class="filters" method="get" action="${PAGE}">
<label>${network ? 'Rider id, name or e-mail' : 'Rider id or name'}<input name="q" type="search" maxlength="200" size="40" value="${q}"></label>
<button type="submit">Search</button>
</form>
<p class="hint">${network ? 'Every rider of the network.' : `Riders who have travelled with ${staff.operatorId}.`} ${q ? `Matching "${q}"` : 'Newest first'}, at most 50.</p>
<table class="riders"><thead><tr><th scope="col">Name</th><th scope="col">Id</th>${network ? html`<th scope="col">E-mail</th>` : ''}<th scope="col">Status</th><th scope="col">Signed up</th></tr></thead>
<tbody>${riders.length ? riders.map(row) : html`<tr><td colspan="${network ? 5 : 4}">no rider found</td></tr>`}</tbody></table>` };
    }),
  );

  /** The rider, if the staff may see them; RIDER_NOT_FOUND otherwise, as for an unknown id. */
  async function visibleRider(staff: StaffPrincipal, riderId: string): Promise<Rider> {
    const rider = await requireRider(ctx.knex, riderId);
    await requireRiderVisibleTo(ctx.knex, staff, rider.id);
    return rider;
  }

  async function render(request: Request, response: Response, problem?: GatewayError, typed: { reason?: string } = {}): Promise<PageContent> {
    const staff = staffOf(response);
    const rider = await visibleRider(staff, request.params.riderId as string);
    const network = staff.operatorId === null;
    const [summary, journeys, phones, vehicles, catalog] = await Promise.all([
      journeySummaryOf(ctx.knex, { riderId: rider.id, operatorId: staff.operatorId }),
      listJourneys(ctx.knex, { riderId: rider.id, operatorId: staff.operatorId ?? undefined, limit: RECENT_JOURNEYS }),
      ctx.knex('tokens').where({ rider_id: rider.id }).orderBy('created_at').select('id', 'phone_id', 'created_at'),
      vehiclesOfRider(ctx.knex, rider.id, true),
      ctx.catalog.current(),
    ]);
    const tokenIds = [...phones.map((phone: { id: string }) => phone.id), ...vehicles.map((vehicle) => vehicle.tokenId)];
    const denied = new Map((await listDenyListWithOwners(ctx.knex, { limit: tokenIds.length || 1, tokenIds })).map((entry) => [entry.tokenId, entry]));
    const deniedText = (tokenId: string) => {
      const entry = denied.get(tokenId);
      return entry ? html`<span class="state-bad">denied: ${entry.reason} since ${formatInstant(entry.addedAt, zone)}</span>` : html`<span class="state-ok">allowed</span>`;
    };
    const siteName = (id: string | null) => (id ? (catalog.sitesById.get(id)?.name ?? id) : '?');
    const journeyRow = (journey: Journey) => html`<tr><td>${formatInstant(journey.startedAt, zone)}</td><td>${journey.operatorId ?? '?'}</td><td>${journey.mode}</td><td>${journey.mode === 'bus' ? siteName(journey.entryStationId) : `${siteName(journey.entryStationId)} → ${siteName(journey.exitStationId)}`}</td><td>${journey.status}</td><td class="num">${formatMoney(journey.chargedMinor, journey.currency)}</td></tr>`;
    const money = network ? await moneyOf(rider) : html`<p class="hint">Balances and arrears are the network's: its own staff see them.</p>`;
    const canAct = mayAct(staff, 'supervisor');
    const actions = html`<h2>Deny list</h2>
<form class="card" method="post" action="${PAGE}/${rider.id}/deny">${csrfField(csrfTokenOf(response))}
<label>Reason<input name="reason" required maxlength="64" value="${typed.reason ?? ''}"></label>
<button class="primary" type="submit">Deny all of the rider's tokens</button></form>
${denied.size ? html`<form class="card" method="post" action="${PAGE}/${rider.id}/release">${csrfField(csrfTokenOf(response))}<button type="submit">Release the rider (${denied.size} ${denied.size === 1 ? 'token' : 'tokens'} on the deny list)</button></form>` : ''}`;
    const body = html`${noticeBlock(noticeOf(request, NOTICES))}${problemBlock(problem)}
<p><a href="${PAGE}">All riders</a></p>
<dl class="facts">
<dt>Rider id</dt><dd><code>${rider.id}</code></dd>
<dt>Status</dt><dd class="state-${rider.status === 'active' ? 'ok' : 'bad'}">${rider.status}</dd>
${network ? html`<dt>E-mail</dt><dd>${rider.email ?? '–'}</dd>` : ''}
<dt>Signed up</dt><dd>${formatInstant(rider.createdAt, zone)}</dd>
</dl>
${money}
<h2>Travel${network ? '' : ` with ${staff.operatorId}`}</h2>
<p>${summary.journeys} journeys and trips (${Object.entries(summary.byStatus).map(([status, count]) => `${count} ${status}`).join(', ') || 'none'}), ${formatMoney(summary.chargedMinor, rider.currency)} charged${summary.firstAt !== null ? `, from ${formatInstant(summary.firstAt, zone)} to ${formatInstant(summary.lastAt, zone)}` : ''}.</p>
${journeys.length ? html`<table class="journeys"><thead><tr><th scope="col">Started</th><th scope="col">Operator</th><th scope="col">Mode</th><th scope="col">Route</th><th scope="col">Status</th><th scope="col" class="num">Charged</th></tr></thead><tbody>${journeys.map(journeyRow)}</tbody></table>` : ''}
<h2>Tokens</h2>
<table class="tokens"><thead><tr><th scope="col">Token</th><th scope="col">Of</th><th scope="col">Since</th><th scope="col">At the lanes</th></tr></thead><tbody>
${phones.map((phone: { id: string; phone_id: string; created_at: unknown }) => html`<tr data-token="${phone.id}"><td><code>${phone.id}</code></td><td>phone</td><td>${formatInstant(Number(phone.created_at), zone)}</td><td>${deniedText(phone.id)}</td></tr>`)}
${vehicles.map((vehicle) => html`<tr data-token="${vehicle.tokenId}"><td><code>${vehicle.tokenId}</code></td><td>vehicle <a href="/console/vehicles?q=${encodeURIComponent(vehicle.plate)}">${vehicle.plate}</a>${vehicle.removedAt !== null ? ' (removed)' : ''}</td><td>${formatInstant(vehicle.createdAt, zone)}</td><td>${deniedText(vehicle.tokenId)}</td></tr>`)}
${tokenIds.length ? '' : html`<tr><td colspan="4">no phone enrolled and no vehicle registered</td></tr>`}
</tbody></table>
${canAct ? actions : html`<p class="hint">Supervisors and admins deny-list and release riders.</p>`}`;
    return { title: rider.name, body };
  }

  async function moneyOf(rider: Rider): Promise<Html> {
    const [funds, arrears] = await Promise.all([riderFunds(ctx.knex, rider), arrearsViewOf(ctx.knex, rider.id)]);
    return html`<h2>Money</h2><dl class="facts">
<dt>Wallet balance</dt><dd>${formatMoney(funds.balanceMinor, rider.currency)}</dd>
<dt>Pay-later line</dt><dd>${formatMoney(rider.payLaterLimitMinor, rider.currency)}</dd>
<dt>Available</dt><dd>${formatMoney(funds.availableMinor, rider.currency)}</dd>
<dt>Arrears</dt><dd class="state-${arrears.outstandingMinor ? 'bad' : 'ok'}">${arrears.state}${arrears.outstandingMinor ? `, ${formatMoney(arrears.outstandingMinor, rider.currency)} outstanding` : ''}</dd>
</dl>`;
  }

  router.get(`${PAGE}/:riderId`, (request, response) => showPage(response, 'riders', 'Rider', () => render(request, response)));

  router.post(`${PAGE}/:riderId/deny`, (request, response) => {
    const typed = { reason: field(request, 'reason') };
    return formAction(
      response,
      'riders',
      async () => {
        const reason = parseInput(DenyReason, typed.reason, 'reason');
        const rider = await visibleRider(staffOf(response), request.params.riderId);
        const change = await addToDenyList(ctx, { riderId: rider.id }, reason);
        if (!change.tokenIds.length) throw new GatewayError('TOKEN_NOT_FOUND', `${rider.name} has no phone enrolled and no vehicle registered: there is nothing to deny`);
        return doneLocation(`${PAGE}/${rider.id}`, 'denied', change.tokenIds.length);
      },
      (problem) => render(request, response, problem, typed),
    );
  });

  router.post(`${PAGE}/:riderId/release`, (request, response) =>
    formAction(
      response,
      'riders',
      async () => {
        const rider = await visibleRider(staffOf(response), request.params.riderId);
        const change = await releaseFromDenyList(ctx, { riderId: rider.id });
        return doneLocation(`${PAGE}/${rider.id}`, 'released', change.tokenIds.length);
      },
      (problem) => render(request, response, problem),
    ),
  );

  return router;
}
