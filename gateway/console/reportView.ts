import type { NetworkCatalog, Operator } from '../network/networkCatalog.js';
import { queryParams, type ReportProblem } from '../reports/reportQuery.js';
import { REPORTS } from '../reports/reports.js';
import type { Grouping, ReportColumn, ReportDefinition, ReportResult } from '../reports/reportTypes.js';
import { FARE_CLASS_NAMES } from '../tariffs/tariffData.js';
import { html, type Html } from './html.js';
import { svgChart } from './svgChart.js';

export const GROUPING_LABELS: Record<Grouping, string> = {
  day: 'Business day',
  hour: 'Local hour',
  station: 'Station',
  line: 'Line',
  gantry: 'Toll site',
  mode: 'Mode',
  tariff: 'Tariff version',
  fareClass: 'Fare class',
  code: 'Code',
  state: 'Arrears state',
};

/** The values a form shows: what was asked, as typed (a query that failed its checks included). */
export type FormValues = Record<string, string>;

export function moneyFormat(currency: string): (minor: number) => string {
  const format = new Intl.NumberFormat('en-US', { style: 'currency', currency });
  return (minor) => format.format(minor / 100);
}

/** A report page's address: the operator first, then the query's parameters. */
export function reportPath(reportId: string, operatorId: string, params: Record<string, string>): string {
  return `/console/reports/${reportId}?${new URLSearchParams({ operator: operatorId, ...params })}`;
}

function select(name: string, label: string, current: string | undefined, options: Array<[string, string]>, blank?: string): Html {
  return html`<label>${label}<select name="${name}">${blank !== undefined ? html`<option value="">${blank}</option>` : ''}${options.map(([value, text]) => html`<option value="${value}"${value === current ? html` selected` : ''}>${text}</option>`)}</select></label>`;
}

/** The filter form: a GET to the page itself, so the address holds every filter and can be bookmarked. */
export function filterForm(definition: ReportDefinition, operators: Operator[], operator: Operator, catalog: NetworkCatalog, values: FormValues): Html {
  const sites = catalog.sites.filter((site) => site.operatorId === operator.id);
  const tariffs = catalog.tariffs.filter((tariff) => tariff.operatorId === operator.id);
  const has = (filter: string) => (definition.filters as readonly string[]).includes(filter);
  return html`<form class="filters" method="get" action="/console/reports/${definition.id}" aria-label="Report filters">
${select('operator', 'Operator', operator.id, operators.map((one) => [one.id, one.name]))}
<label>From<input type="date" name="from" value="${values.from ?? ''}"></label>
<label>To<input type="date" name="to" value="${values.to ?? ''}"></label>
${select('groupBy', 'Group by', values.groupBy ?? definition.defaultGrouping, definition.groupings.map((grouping) => [grouping, GROUPING_LABELS[grouping]]))}
${has('station') ? select('station', 'Station', values.station, sites.map((site) => [site.id, site.name]), 'all') : ''}
${has('line') ? select('line', 'Line', values.line, [...new Set(sites.map((site) => site.line))].map((line) => [line, line]), 'all') : ''}
${has('mode') ? select('mode', 'Mode', values.mode, [...new Set(sites.map((site) => site.mode))].map((mode) => [mode, mode]), 'all') : ''}
${has('fareClass') ? select('fareClass', 'Fare class', values.fareClass, Object.entries(FARE_CLASS_NAMES).map(([id, name]) => [id, name]), 'all') : ''}
${has('tariff') ? select('tariff', 'Tariff', values.tariff, tariffs.map((tariff) => [String(tariff.version), `version ${tariff.version}`]), 'all') : ''}
${has('kind') ? select('kind', 'Kind', values.kind, [['deny', 'denials'], ['exception', 'lane exceptions']], 'both') : ''}
<button class="primary" type="submit">Show</button>
</form>`;
}

export function reportNav(current: string, operatorId: string, values: FormValues): Html {
  const period = Object.fromEntries(Object.entries(values).filter(([key]) => key === 'from' || key === 'to'));
  return html`<nav class="exports" aria-label="Reports">${Object.values(REPORTS).map((report) => html`<a href="${reportPath(report.id, operatorId, period)}"${report.id === current ? html` aria-current="page"` : ''}>${report.title}</a>`)}</nav>`;
}

export function problemsBox(problems: ReportProblem[]): Html {
  return html`<div class="problem" role="alert"><strong>This report cannot be shown:</strong><ul>${problems.map((problem) => html`<li><code>${problem.param}</code>: ${problem.message}</li>`)}</ul></div>`;
}

function cell(column: ReportColumn, value: string | number, money: (minor: number) => string): Html {
  if (column.kind === 'text') return html`<td>${value}</td>`;
  return html`<td class="num">${column.kind === 'money' ? money(Number(value)) : Number(value).toLocaleString('en-US')}</td>`;
}

/** The chart (a line over days and hours, bars otherwise), the table with its totals, and the export links of the same query. */
export function reportBody(result: ReportResult): Html {
  const money = moneyFormat(result.operator.currency);
  const chartColumn = result.columns.find((column) => column.key === result.chartColumn)!;
  const grouping = GROUPING_LABELS[result.query.groupBy];
  const chart = svgChart({
    id: 'report-chart',
    title: `${result.title}: ${chartColumn.label} by ${grouping.toLowerCase()}, ${result.query.from} to ${result.query.to}`,
    kind: result.query.groupBy === 'day' || result.query.groupBy === 'hour' ? 'line' : 'bar',
    labels: result.rows.map((row) => row.label),
    values: result.rows.map((row) => Number(row[chartColumn.key])),
    xAxisLabel: grouping,
    yAxisLabel: chartColumn.kind === 'money' ? `${chartColumn.label} (${result.operator.currency})` : chartColumn.label,
    format: chartColumn.kind === 'money' ? money : (value) => value.toLocaleString('en-US'),
  });
  const api = `/api/operators/${encodeURIComponent(result.operator.id)}/reports/${result.report}?${queryParams(result.query)}`;
  return html`<p class="hint">${result.description} Business days end at ${result.businessDay.cutoff}, ${result.businessDay.timeZone} time.</p>
<p class="exports">Export this query: <a href="${api}&format=csv" download>CSV</a><a href="${api}&format=json">JSON</a></p>
<figure class="chart">${chart}</figure>
<table id="report-table">
<thead><tr><th scope="col">${grouping}</th>${result.columns.map((column) => html`<th scope="col"${column.kind === 'text' ? '' : html` class="num"`}>${column.label}</th>`)}</tr></thead>
<tbody>${result.rows.length ? result.rows.map((row) => html`<tr data-key="${row.key}"><th scope="row">${row.label}</th>${result.columns.map((column) => cell(column, row[column.key], money))}</tr>`) : html`<tr><td colspan="${result.columns.length + 1}">Nothing in this period.</td></tr>`}</tbody>
<tfoot><tr><th scope="row">Total</th>${result.columns.map((column) => (column.kind === 'text' ? html`<td></td>` : cell(column, result.totals[column.key], money)))}</tr></tfoot>
</table>`;
}
