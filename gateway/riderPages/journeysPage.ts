import type { Request } from 'express';
import { z } from 'zod';
import type { GatewayContext } from '../context.js';
import { html, type Html } from '../console/html.js';
import { riderPage } from '../console/layout.js';
import { listJourneys, type Journey } from '../journeys/journeyRecords.js';
import { businessDayBounds } from '../tariffs/localTime.js';
import { vehiclesOfRider, type Vehicle } from '../vehicles/vehicleRecords.js';
import { breakdownTable, journeyRoute, siteNamer, tollDetails, type BreakdownContext } from './breakdownView.js';
import { pageFormats } from './format.js';
import { parseForm } from './forms.js';
import { problemBox, type PageProblem, type PageRenderer } from './pageHandlers.js';

const SHOWN = 100;
const MonthQuery = z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'Month: choose a month such as 2026-01.').optional() });

const STATUS: Record<string, string> = {
  open: 'in progress: charged once you leave',
  complete: 'entry and exit',
  no_exit: 'no exit recorded: priced by the rule for a missing exit',
  no_entry: 'no entry recorded: priced by the rule for a missing entry',
};

/** The local month [from, to) in the network's time zone, so a journey is in the month its page date says. */
function monthBounds(month: string, timeZone: string): { fromMs: number; toMs: number } {
  const [year, monthNumber] = month.split('-').map(Number);
  const next = monthNumber === 12 ? `${year + 1}-01` : `${year}-${String(monthNumber + 1).padStart(2, '0')}`;
  return { fromMs: businessDayBounds(`${month}-01`, timeZone, '00:00').fromMs, toMs: businessDayBounds(`${next}-01`, timeZone, '00:00').fromMs };
}

function journeyArticle(view: BreakdownContext, journey: Journey): Html {
  const { format } = view;
  const status = journey.mode === 'bus' ? 'boarded' : (STATUS[journey.status] ?? journey.status);
  const when = journey.endedAt && journey.endedAt !== journey.startedAt ? `${format.time(journey.startedAt)}–${format.clock(journey.endedAt)}` : format.time(journey.startedAt);
  return html`<article class="trip" id="journey-${journey.id}" data-journey-id="${journey.id}">
<header><span class="route">${journeyRoute(view, journey)}</span><span class="when">${when}</span><span class="fare">${journey.status === 'open' ? 'not charged yet' : format.money(journey.fareMinor, journey.currency)}</span></header>
<p class="hint">${view.operatorName(journey.operatorId)} · ${journey.mode} · ${status}</p>
${journey.breakdown ? breakdownTable(view, journey, journey.breakdown) : html`<p class="hint">${journey.fareRule}</p>`}
${journey.breakdown?.toll ? tollDetails(view, journey.breakdown.toll, journey.currency) : ''}
</article>`;
}

function vehiclesTable(view: BreakdownContext, vehicles: Vehicle[]): Html {
  if (!vehicles.length) return html`<p class="hint">No vehicles on your account. Drivers register a vehicle's plate and tag with the app (<code>POST /api/riders/:riderId/vehicles</code>); tolls are then charged here after each trip.</p>`;
  return html`<table><thead><tr><th>Plate</th><th>Colour</th><th>Class</th><th>Tag</th><th>Registered</th></tr></thead><tbody>
${vehicles.map((vehicle) => html`<tr><td>${vehicle.plate}</td><td>${vehicle.plateColour}</td><td>${vehicle.vehicleClass}</td><td>${vehicle.tagId ?? 'none: charged by plate (video toll)'}</td><td>${view.format.day(vehicle.createdAt)}</td></tr>`)}
</tbody></table>`;
}

/** /me/journeys: journeys and toll trips, each with how it was priced, and the rider's vehicles. */
export function journeysPage(ctx: GatewayContext): PageRenderer {
  const format = pageFormats(ctx.config);
  return async (request: Request, response, rider, given?: PageProblem) => {
    let problem = given;
    let month: string | undefined;
    try {
      month = parseForm(MonthQuery, request.query).month;
    } catch (error) {
      problem = { message: (error as Error).message, status: 400, entered: {} };
    }
    const bounds = month ? monthBounds(month, ctx.config.businessTimeZone) : {};
    const [catalog, journeys, vehicles] = await Promise.all([ctx.catalog.current(), listJourneys(ctx.knex, { riderId: rider.id, limit: SHOWN, ...bounds }), vehiclesOfRider(ctx.knex, rider.id)]);
    const operators = new Map(catalog.operators.map((operator) => [operator.id, operator.name]));
    const view: BreakdownContext = { format, siteName: siteNamer(catalog.sitesById), operatorName: (id) => (id === null ? 'no operator' : (operators.get(id) ?? id)) };
    const transit = journeys.filter((journey) => journey.mode !== 'toll');
    const tolls = journeys.filter((journey) => journey.mode === 'toll');
    if (problem) response.status(problem.status);
    const body = html`${problemBox(problem)}
<form class="filters" method="get" action="/me/journeys">
<label>Month<input type="month" name="month" value="${month ?? ''}"></label>
<button type="submit">Show</button>${month ? html` <a href="/me/journeys">latest</a>` : ''}
</form>
<p class="hint">${month ? `Journeys and toll trips begun in ${month}` : `Your latest ${SHOWN} journeys and toll trips`}, newest first; times in ${ctx.config.businessTimeZone} time. Each is charged after you leave, by the tariff in force when it began.</p>
<h2 id="journeys">Journeys</h2>
${transit.length ? transit.map((journey) => journeyArticle(view, journey)) : html`<p class="hint">No journeys${month ? ' in this month' : ' yet'}.</p>`}
<h2 id="tolls">Toll trips</h2>
${tolls.length ? tolls.map((journey) => journeyArticle(view, journey)) : html`<p class="hint">No toll trips${month ? ' in this month' : ' yet'}.</p>`}
<h2 id="vehicles">Your vehicles</h2>
${vehiclesTable(view, vehicles)}`;
    return riderPage(response, { title: 'Journeys and tolls', body });
  };
}
