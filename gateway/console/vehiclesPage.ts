import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { csrfTokenOf } from '../access/principal.js';
import type { GatewayContext } from '../context.js';
import { NotFoundError, type GatewayError } from '../errors.js';
import { parseInput } from '../http/validate.js';
import { visibleRiderIds, vehiclesVisibleTo } from '../riders/riderVisibility.js';
import { addToDenyList, DenyReason, releaseFromDenyList } from '../trust/denyListChanges.js';
import { vehicleFromRow, type Vehicle } from '../vehicles/vehicleRecords.js';
import { searchVehicles, type VehicleMatch } from '../vehicles/vehicleSearch.js';
import { formatInstant } from './format.js';
import { html } from './html.js';
import { csrfField } from './layout.js';
import { doneLocation, field, formAction, mayAct, noticeBlock, noticeOf, problemBlock, showPage, staffOf, type PageContent, type StaffPrincipal } from './pageKit.js';

const PAGE = '/console/vehicles';
const SearchQuery = z.object({ q: z.string().max(64, 'at most 64 characters').default('') });
const NOTICES = {
  denied: (subject: string) => `Vehicle ${subject} is denied: barriers stay down and gantries record it as denied within seconds.`,
  released: (subject: string) => `Vehicle ${subject} is released: lanes let it through again within seconds.`,
};

/**
 * /console/vehicles: find a registered vehicle by plate or tag; its owner account, class, tag,
 * state and whether lanes refuse it; supervisors deny-list and release it (its own token, not
 * the owner's other vehicles or phones). An operator's staff find only vehicles that made a trip
 * on their road (riderVisibility.ts).
 */
export function vehiclesPage(ctx: GatewayContext) {
  const router = Router();
  const zone = ctx.config.businessTimeZone;

  async function render(request: Request, response: Response, problem?: GatewayError, typed: { vehicleId?: string; reason?: string } = {}): Promise<PageContent> {
    const staff = staffOf(response);
    // A form's page shown again keeps the search it was posted from.
    const query = request.method === 'GET' ? request.query : Object.fromEntries(new URLSearchParams(backTo(request).split('?')[1] ?? ''));
    const { q } = parseInput(SearchQuery, query, 'query');
    const vehicles = await searchVehicles(ctx.knex, staff, q);
    const owners = await visibleRiderIds(ctx.knex, staff, vehicles.map((vehicle) => vehicle.riderId));
    const canAct = mayAct(staff, 'supervisor');
    const back = q ? `${PAGE}?q=${encodeURIComponent(q)}` : PAGE;
    const action = (vehicle: VehicleMatch) => {
      if (vehicle.deniedFor) return html`<form class="inline" method="post" action="${PAGE}/${vehicle.id}/release">${csrfField(csrfTokenOf(response))}<input type="hidden" name="back" value="${back}"><button type="submit">Release</button></form>`;
      const reason = typed.vehicleId === vehicle.id ? typed.reason : '';
      return html`<form class="inline" method="post" action="${PAGE}/${vehicle.id}/deny">${csrfField(csrfTokenOf(response))}<input type="hidden" name="back" value="${back}"><input name="reason" required maxlength="64" size="14" placeholder="reason" aria-label="Reason to deny ${vehicle.plate}" value="${reason ?? ''}"><button type="submit">Deny</button></form>`;
    };
    const row = (vehicle: VehicleMatch) => html`<tr data-vehicle="${vehicle.id}"><th scope="row">${vehicle.plate}</th><td>${vehicle.plateColour}</td><td class="num">${vehicle.vehicleClass}</td><td>${vehicle.tagId ? html`<code>${vehicle.tagId}</code>` : '–'}</td>
<td>${owners.has(vehicle.riderId) ? html`<a href="/console/riders/${vehicle.riderId}">${vehicle.ownerName}</a>` : vehicle.ownerName}</td>
<td>${vehicle.removedAt === null ? 'registered' : `removed ${formatInstant(vehicle.removedAt, zone)}`}</td>
<td class="state-${vehicle.deniedFor ? 'bad' : 'ok'}">${vehicle.deniedFor ? `denied: ${vehicle.deniedFor}` : 'allowed'}</td>
${canAct ? html`<td>${action(vehicle)}</td>` : ''}</tr>`;
    const body = html`${noticeBlock(noticeOf(request, NOTICES))}${problemBlock(problem)}
<form class="filters" method="get" action="${PAGE}">
<label>Plate or tag<input name="q" type="search" maxlength="64" value="${q}"></label>
<button type="submit">Search</button>
</form>
<p class="hint">${staff.operatorId === null ? 'Every registered vehicle.' : `Vehicles that made a trip with ${staff.operatorId}.`} Plates are compared as lanes read them (upper case, without spaces or dashes); ${q ? `starting with "${q}"` : 'newest first'}, at most 50.</p>
<table class="vehicles"><thead><tr><th scope="col">Plate</th><th scope="col">Colour</th><th scope="col" class="num">Class</th><th scope="col">Tag</th><th scope="col">Owner</th><th scope="col">State</th><th scope="col">At the lanes</th>${canAct ? html`<th scope="col">Deny list</th>` : ''}</tr></thead>
<tbody>${vehicles.length ? vehicles.map(row) : html`<tr><td colspan="${canAct ? 8 : 7}">no vehicle found</td></tr>`}</tbody></table>
${canAct ? '' : html`<p class="hint">Supervisors and admins deny-list and release vehicles.</p>`}`;
    return { title: 'Vehicles', body };
  }

  /** The vehicle, if the staff may see it; VEHICLE_NOT_FOUND otherwise, as for an unknown id. */
  async function visibleVehicle(staff: StaffPrincipal, vehicleId: string): Promise<Vehicle> {
    const row = await vehiclesVisibleTo(ctx.knex, ctx.knex('vehicles').where('vehicles.id', vehicleId).first(), staff);
    if (!row) throw new NotFoundError('VEHICLE_NOT_FOUND', `vehicle ${vehicleId}`);
    return vehicleFromRow(row);
  }

  /** Back to the search the form was posted from (only a path of this page). */
  const backTo = (request: Request) => {
    const back = field(request, 'back');
    return back === PAGE || back.startsWith(`${PAGE}?q=`) ? back : PAGE;
  };

  router.get(PAGE, (request, response) => showPage(response, 'vehicles', 'Vehicles', () => render(request, response)));

  router.post(`${PAGE}/:vehicleId/deny`, (request, response) => {
    const typed = { vehicleId: request.params.vehicleId, reason: field(request, 'reason') };
    return formAction(
      response,
      'vehicles',
      async () => {
        const reason = parseInput(DenyReason, typed.reason, 'reason');
        const vehicle = await visibleVehicle(staffOf(response), request.params.vehicleId);
        await addToDenyList(ctx, { tokenId: vehicle.tokenId }, reason);
        return doneLocation(backTo(request), 'denied', vehicle.plate);
      },
      (problem) => render(request, response, problem, typed),
    );
  });

  router.post(`${PAGE}/:vehicleId/release`, (request, response) =>
    formAction(
      response,
      'vehicles',
      async () => {
        const vehicle = await visibleVehicle(staffOf(response), request.params.vehicleId);
        await releaseFromDenyList(ctx, { tokenId: vehicle.tokenId });
        return doneLocation(backTo(request), 'released', vehicle.plate);
      },
      (problem) => render(request, response, problem),
    ),
  );

  return router;
}
