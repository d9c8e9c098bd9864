import { GatewayError } from '../errors.js';
import type { NetworkCatalog, Operator } from '../network/networkCatalog.js';
import { FILTERS, type FilterName, type Grouping, type ReportDefinition, type ReportQuery } from './reportTypes.js';

/** The longest period one report covers: a year of business days. */
export const MAX_REPORT_DAYS = 366;
/** Without from and to: the last week, today's business day included. */
export const DEFAULT_REPORT_DAYS = 7;

const DAY_MS = 86_400_000;
const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export interface ReportProblem {
  param: string;
  message: string;
}

export function reportInvalid(problems: ReportProblem[]): GatewayError {
  return new GatewayError('REPORT_INVALID', `report query is invalid: ${problems.map((problem) => `${problem.param}: ${problem.message}`).join('; ')}`, { details: problems });
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

function isDay(value: string): boolean {
  if (!DAY_PATTERN.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/**
 * Check a report's query string (an empty value counts as absent, as a GET form sends it) against
 * the report and the operator's own sites: every problem is named, all at once, as REPORT_INVALID.
 * `extra` names parameters the caller reads itself (format, the console's operator).
 */
export function parseReportQuery(definition: ReportDefinition, raw: Record<string, unknown>, context: { operator: Operator; catalog: NetworkCatalog; today: string }, extra: readonly string[] = []): ReportQuery {
  const problems: ReportProblem[] = [];
  const values = new Map<string, string>();
  for (const [param, value] of Object.entries(raw)) {
    if (typeof value !== 'string') problems.push({ param, message: 'given more than once' });
    else if (value !== '') values.set(param, value);
  }
  const known = new Set<string>(['from', 'to', 'groupBy', ...FILTERS, ...extra]);
  for (const param of values.keys()) {
    if (!known.has(param)) problems.push({ param, message: `unknown parameter (known: ${['from', 'to', 'groupBy', ...definition.filters, ...extra].join(', ')})` });
    else if ((FILTERS as readonly string[]).includes(param) && !definition.filters.includes(param as FilterName)) {
      problems.push({ param, message: `the ${definition.id} report has no such filter (its filters: ${definition.filters.join(', ')})` });
    }
  }
  for (const param of ['from', 'to']) if (values.has(param) && !isDay(values.get(param)!)) problems.push({ param, message: 'must be a business day, YYYY-MM-DD' });
  const groupBy = (values.get('groupBy') ?? definition.defaultGrouping) as Grouping;
  if (!definition.groupings.includes(groupBy)) problems.push({ param: 'groupBy', message: `must be one of ${definition.groupings.join(', ')} for the ${definition.id} report` });

  const sites = context.catalog.sites.filter((site) => site.operatorId === context.operator.id);
  const query: ReportQuery = { from: '', to: '', groupBy };
  const station = values.get('station');
  if (station !== undefined && definition.filters.includes('station')) {
    if (sites.some((site) => site.id === station)) query.station = station;
    else problems.push({ param: 'station', message: `${station} is not a site of operator ${context.operator.id}` });
  }
  const line = values.get('line');
  if (line !== undefined && definition.filters.includes('line')) {
    if (sites.some((site) => site.line === line)) query.line = line;
    else problems.push({ param: 'line', message: `${line} is not a line of operator ${context.operator.id}` });
  }
  const mode = values.get('mode');
  if (mode !== undefined && definition.filters.includes('mode')) {
    const modes = [...new Set(sites.map((site) => site.mode))];
    if (modes.includes(mode)) query.mode = mode;
    else problems.push({ param: 'mode', message: `operator ${context.operator.id} runs ${modes.join(', ') || 'no sites'}, not ${mode}` });
  }
  const fareClass = values.get('fareClass');
  if (fareClass !== undefined && definition.filters.includes('fareClass')) {
    if (/^\d{1,3}$/.test(fareClass) && Number(fareClass) <= 255) query.fareClass = Number(fareClass);
    else problems.push({ param: 'fareClass', message: 'must be a fare class number, 0 to 255' });
  }
  const tariff = values.get('tariff');
  if (tariff !== undefined && definition.filters.includes('tariff')) {
    if (/^\d{1,9}$/.test(tariff) && Number(tariff) >= 1) query.tariff = Number(tariff);
    else problems.push({ param: 'tariff', message: 'must be a tariff version, 1 or more' });
  }
  const kind = values.get('kind');
  if (kind !== undefined && definition.filters.includes('kind')) {
    if (kind === 'deny' || kind === 'exception') query.kind = kind;
    else problems.push({ param: 'kind', message: 'must be deny or exception' });
  }
  if (groupBy === 'gantry' && definition.groupings.includes('gantry') && !sites.some((site) => site.kind !== null)) {
    problems.push({ param: 'groupBy', message: `operator ${context.operator.id} has no toll plazas or gantries` });
  }

  const to = values.get('to') ?? (values.has('from') && values.get('from')! > context.today ? values.get('from')! : context.today);
  const from = values.get('from') ?? addDays(to, 1 - DEFAULT_REPORT_DAYS);
  if (isDay(from) && isDay(to)) {
    if (from > to) problems.push({ param: 'from', message: `${from} is after to (${to})` });
    else if (daysBetween(from, to) + 1 > MAX_REPORT_DAYS) problems.push({ param: 'to', message: `at most ${MAX_REPORT_DAYS} business days at once (asked ${daysBetween(from, to) + 1})` });
  }
  Object.assign(query, { from, to });
  if (problems.length === 0) {
    const unanswerable = definition.unanswerable?.(query);
    if (unanswerable) problems.push({ param: 'groupBy', message: unanswerable });
  }
  if (problems.length) throw reportInvalid(problems);
  return query;
}

/** The query as URL parameters (what the page's links and export links carry). */
export function queryParams(query: ReportQuery): URLSearchParams {
  const params = new URLSearchParams({ from: query.from, to: query.to, groupBy: query.groupBy });
  for (const name of FILTERS) if (query[name] !== undefined) params.set(name, String(query[name]));
  return params;
}
