import { html, type Html } from '../console/html.js';
import type { Journey } from '../journeys/journeyRecords.js';
import type { Site } from '../network/networkCatalog.js';
import type { FareBreakdown, TollDetails } from '../tariffs/fareBreakdown.js';
import { FARE_CLASS_NAMES } from '../tariffs/tariffData.js';
import type { PageFormats } from './format.js';

/** How a journey or toll trip was priced, line by line, as its rider reads it (gateway/tariffs/fareBreakdown.ts). */
export interface BreakdownContext {
  format: PageFormats;
  siteName(siteId: string | null): string;
  operatorName(operatorId: string | null): string;
}

const signed = (format: PageFormats, amountMinor: number, currency: string) => (amountMinor > 0 ? `+${format.money(amountMinor, currency)}` : format.money(amountMinor, currency));

/** The base, time-of-day and concession lines, then (if any) the list price and the transfer and cap lines, then what was paid. */
export function breakdownTable(view: BreakdownContext, journey: Journey, breakdown: FareBreakdown): Html {
  const { format } = view;
  const money = (minor: number) => format.money(minor, breakdown.currency);
  const own = breakdown.lines.filter((line) => line.step !== 'transfer' && line.step !== 'cap');
  const adjustments = breakdown.lines.filter((line) => line.step === 'transfer' || line.step === 'cap');
  return html`<table class="breakdown">
<caption>How it was priced: ${view.operatorName(breakdown.operatorId)} tariff version ${breakdown.tariffVersion}, ${FARE_CLASS_NAMES[breakdown.fareClass] ?? `class ${breakdown.fareClass}`} fare</caption>
<tbody>
${own.map((line, index) => html`<tr data-step="${line.step}"><td>${line.label}</td><td class="num">${index === 0 ? money(line.amountMinor) : signed(format, line.amountMinor, breakdown.currency)}</td></tr>`)}
${adjustments.length ? html`<tr class="subtotal"><td>List price</td><td class="num">${money(breakdown.listMinor)}</td></tr>` : ''}
${adjustments.map((line) => html`<tr data-step="${line.step}"><td>${line.label}</td><td class="num">${signed(format, line.amountMinor, breakdown.currency)}</td></tr>`)}
<tr class="total"><th scope="row">Fare</th><td class="num">${money(breakdown.fareMinor)}</td></tr>
${journey.chargedMinor !== breakdown.fareMinor ? html`<tr><td>Charged so far</td><td class="num">${money(journey.chargedMinor)}</td></tr>` : ''}
</tbody>
</table>`;
}

const PAYMENT: Record<TollDetails['payment'], string> = {
  etc: 'read by your tag (ETC)',
  video: 'by plate camera only (video toll)',
  mixed: 'partly by your tag, partly by plate camera',
};

/** A toll trip's class, how it was read, each gantry of its path, and every lane exception with the rule that priced it. */
export function tollDetails(view: BreakdownContext, toll: TollDetails, currency: string): Html {
  const { format } = view;
  return html`<p class="hint">Vehicle class ${toll.vehicleClass} · ${toll.kind === 'closed' ? 'closed road, plaza to plaza' : 'open road, by gantry'} · ${PAYMENT[toll.payment]}${
    toll.entryFromTag ? html` · entry at ${view.siteName(toll.entryFromTag.site)} ${format.clock(toll.entryFromTag.at)}, as written in your tag` : ''
  }</p>
<table class="toll-path">
<thead><tr><th>Gantry or plaza</th><th>Time</th><th>Seen</th><th class="num">Toll</th></tr></thead>
<tbody>
${toll.path.map(
  (step) => html`<tr><td>${view.siteName(step.stationId)}</td><td>${format.clock(step.passedAt)}</td><td>${step.inferred ? 'inferred from the gantries around it' : 'read'}${step.note ? ` · ${step.note}` : ''}</td><td class="num">${step.charged ? format.money(step.tollMinor, currency) : toll.kind === 'closed' ? 'in the plaza-to-plaza toll' : 'not charged'}</td></tr>`,
)}
</tbody>
</table>
${toll.exceptions.length ? html`<ul class="exceptions">${toll.exceptions.map((exception) => html`<li><code>${exception.code}</code>: ${exception.rule}</li>`)}</ul>` : ''}`;
}

/** "Harbour → Cathedral", "Bus 42 #1", "Open road: 3 gantries". */
export function journeyRoute(view: Pick<BreakdownContext, 'siteName'>, journey: Journey): string {
  if (journey.mode === 'bus') return view.siteName(journey.entryStationId);
  if (journey.mode === 'toll' && journey.breakdown?.toll?.kind === 'open_road') return `Open road: ${journey.breakdown.toll.path.filter((step) => step.charged).length} gantries`;
  return `${view.siteName(journey.entryStationId)} → ${journey.exitStationId ? view.siteName(journey.exitStationId) : '…'}`;
}

export function siteNamer(sitesById: Map<string, Site>): (siteId: string | null) => string {
  return (siteId) => (siteId === null ? 'unknown' : (sitesById.get(siteId)?.name ?? siteId));
}
