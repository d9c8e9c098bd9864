import type { Response } from 'express';
import { csrfTokenOf } from '../access/principal.js';
import { RECONCILIATION_EXCEPTIONS } from '../settlement/laneReconciliation.js';
import type { SettlementDay } from '../settlement/settlementDays.js';
import type { SettlementStatement } from '../settlement/statement.js';
import { formatMinor } from '../tariffs/fareBreakdown.js';
import { html, type Html } from './html.js';
import { consolePage, csrfField } from './layout.js';

/** Exceptions shown on the page; the CSV always holds them all. */
const SHOWN_EXCEPTIONS = 1000;

const apiPath = (operatorId: string, day: string) => `/api/operators/${encodeURIComponent(operatorId)}/settlement/${day}`;
const pagePath = (operatorId: string, day: string) => `/console/settlement/${encodeURIComponent(operatorId)}/${day}`;
const time = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + ' UTC');

function stateBadge(state: string): Html {
  const tone = state === 'closed' ? 'state-ok' : state === 'draft' ? 'state-warn' : '';
  return html`<span class="${tone}">${state}</span>`;
}

export function settlementListPage(response: Response, input: { operators: Array<{ id: string; name: string }>; operatorId: string; currency: string; days: SettlementDay[] }): Html {
  const chooser =
    input.operators.length > 1
      ? html`<form class="filters" method="get" action="/console/settlement"><label>Operator<select name="operator">${input.operators.map(
          (operator) => html`<option value="${operator.id}"${operator.id === input.operatorId ? html` selected` : ''}>${operator.name}</option>`,
        )}</select></label><button type="submit">Show</button></form>`
      : html``;
  const rows = input.days.map(
    (day) => html`<tr>
<td><a href="${pagePath(input.operatorId, day.day)}">${day.day}</a></td><td>${stateBadge(day.state)}</td><td class="num">${day.lanesReported}</td>
<td class="num">${day.totals?.passages ?? ''}</td><td class="num">${day.totals ? formatMinor(day.totals.netMinor, input.currency) : ''}</td>
<td class="num">${day.totals?.exceptions ?? ''}</td><td>${time(day.closedAt)}${day.closedBy ? html` by ${day.closedBy}` : ''}</td></tr>`,
  );
  const body = html`${chooser}<p class="hint">Business days end at the cut-off in the gateway's time zone. Totals of a day not yet closed are computed when you open it.</p>
<table><thead><tr><th>Day</th><th>State</th><th class="num">Lanes reported</th><th class="num">Passages</th><th class="num">Net</th><th class="num">Exceptions</th><th>Closed</th></tr></thead><tbody>${rows}</tbody></table>`;
  return consolePage(response, 'settlement', { title: 'Settlement', body });
}

function totalsTable(statement: SettlementStatement): Html {
  const { totals, currency } = statement;
  const money: Array<[string, number]> = [
    ['Charged', totals.chargedMinor], ['Corrections', totals.adjustedMinor], ['Refunded', totals.refundedMinor], ['Net to the operator', totals.netMinor],
    ['Advanced (paid by the advance fund)', totals.advancedMinor], ['In arrears at the end of the day', totals.inArrearsMinor],
  ];
  return html`<table><tbody>
<tr><th>Passages stored by the gateway</th><td class="num">${totals.passages}</td></tr>
<tr><th>Passages journaled by the reporting lanes</th><td class="num">${totals.lanePassages}</td></tr>
<tr><th>Lanes reported</th><td class="num">${totals.lanesReported} of ${totals.lanes}</td></tr>
<tr><th>Journeys charged</th><td class="num">${totals.journeys}</td></tr>
${money.map(([label, minor]) => html`<tr><th>${label}</th><td class="num">${formatMinor(minor, currency)}</td></tr>`)}
<tr><th>Exceptions</th><td class="num">${totals.exceptions}</td></tr>
</tbody></table>`;
}

function closeForm(response: Response, statement: SettlementStatement): Html {
  if (statement.state !== 'draft') return html``;
  return html`<form class="card" method="post" action="${pagePath(statement.operatorId, statement.day)}/close">${csrfField(csrfTokenOf(response))}
<span>Closing freezes this statement as it stands now: it can never change afterwards. ${statement.totals.exceptions} exception(s) will be part of it.</span>
<button class="primary" type="submit">Close ${statement.day}</button></form>`;
}

function sinceClosedNote(statement: SettlementStatement): Html {
  const since = statement.sinceClosed;
  if (!since || (since.lateArrivals.length === 0 && since.reportsSince.length === 0)) return html``;
  return html`<p class="problem">Since this statement was closed: ${since.lateArrivals.map((late) => html`${late.passages} passage(s) of lane ${late.laneId} arrived; `)}${
    since.reportsSince.length ? html`lanes ${since.reportsSince.join(', ')} reported their journal again. ` : ''
  }The statement stays as closed; late passages are charged on the day their charge is posted.</p>`;
}

export function statementPage(response: Response, statement: SettlementStatement, notice: { ok?: string; problem?: string } = {}): Html {
  const { currency } = statement;
  const shown = statement.exceptions.slice(0, SHOWN_EXCEPTIONS);
  const body = html`<p class="hint">${statement.operatorName} · ${time(statement.fromMs)} to ${time(statement.toMs)} (${statement.timeZone}, cut-off ${statement.cutoff}) · ${stateBadge(statement.state)}${
    statement.closedAt ? html` · closed ${time(statement.closedAt)}${statement.closedBy ? html` by ${statement.closedBy}` : ''} · digest <code>${statement.digest}</code>` : html` · computed ${time(statement.computedAt)}`
  }</p>
${notice.ok ? html`<p class="notice">${notice.ok}</p>` : ''}${notice.problem ? html`<p class="problem">${notice.problem}</p>` : ''}${sinceClosedNote(statement)}
<p class="exports"><a href="${apiPath(statement.operatorId, statement.day)}?format=csv">Download CSV</a><a href="${apiPath(statement.operatorId, statement.day)}">JSON</a><a href="/console/settlement?operator=${statement.operatorId}">All days</a></p>
${closeForm(response, statement)}
<h2>Totals</h2>${totalsTable(statement)}
<h2>Lane reconciliation</h2>
<table><thead><tr><th>Lane</th><th>Station</th><th>Report</th><th class="num">Lane count</th><th class="num">Gateway count</th><th class="num">Matched</th><th class="num">Exceptions</th></tr></thead><tbody>${statement.lanes.map(
    (lane) => html`<tr><td>${lane.laneId}</td><td>${lane.stationId}</td><td class="${lane.reported ? 'state-ok' : 'state-bad'}">${lane.reported ? `received ${time(lane.reportedAt)}` : 'not reported'}</td>
<td class="num">${lane.laneCount ?? ''}</td><td class="num">${lane.gatewayCount}</td><td class="num">${lane.matched}</td><td class="num${lane.exceptions ? ' state-bad' : ''}">${lane.exceptions}</td></tr>`,
  )}</tbody></table>
<h2>Passages by lane and product</h2>
<table><thead><tr><th>Lane</th><th>Product</th><th>Direction</th><th class="num">Passages</th></tr></thead><tbody>${statement.passages.map(
    (line) => html`<tr><td>${line.laneId}</td><td>${line.product}</td><td>${line.direction}</td><td class="num">${line.passages}</td></tr>`,
  )}</tbody></table>
<h2>Charges by lane and product</h2>
<table><thead><tr><th>Lane</th><th>Product</th><th class="num">Tariff</th><th class="num">Journeys</th><th class="num">Charged</th><th class="num">Corrections</th><th class="num">Refunded</th></tr></thead><tbody>${statement.charges.map(
    (line) => html`<tr><td>${line.laneId ?? '—'}</td><td>${line.product}</td><td class="num">${line.tariffVersion === null ? '' : `v${line.tariffVersion}`}</td><td class="num">${line.journeys}</td>
<td class="num">${formatMinor(line.chargedMinor, currency)}</td><td class="num">${formatMinor(line.adjustedMinor, currency)}</td><td class="num">${formatMinor(line.refundedMinor, currency)}</td></tr>`,
  )}</tbody></table>
<h2>Exceptions</h2>
${statement.exceptions.length === 0 ? html`<p class="notice">Every lane's journal matches what the gateway holds.</p>` : ''}
<table><thead><tr><th>Code</th><th>Lane</th><th class="num">Sequence</th><th>Passage</th><th>Detail</th></tr></thead><tbody>${shown.map(
    (exception) => html`<tr><td title="${RECONCILIATION_EXCEPTIONS[exception.code]}">${exception.code}</td><td>${exception.laneId}</td>
<td class="num">${exception.seq ?? ''}${exception.seqTo !== null && exception.seqTo !== exception.seq ? `–${exception.seqTo}` : ''}</td><td><code>${exception.passageId ?? ''}</code></td><td>${exception.detail}</td></tr>`,
  )}</tbody></table>
${statement.exceptions.length > shown.length ? html`<p class="hint">${statement.exceptions.length - shown.length} more exceptions: download the CSV for all of them.</p>` : ''}`;
  return consolePage(response, 'settlement', { title: `Settlement ${statement.operatorId} ${statement.day}`, body });
}
