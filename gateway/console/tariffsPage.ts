import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { csrfTokenOf } from '../access/principal.js';
import type { GatewayContext } from '../context.js';
import { NotFoundError, ValidationError, type GatewayError } from '../errors.js';
import { parseInput } from '../http/validate.js';
import { tariffInForce, type Tariff } from '../tariffs/tariff.js';
import { addTariffVersion, listTariffs } from '../tariffs/tariffStore.js';
import { formatInstant, localInputValue, parseLocalInput } from './format.js';
import { html } from './html.js';
import { csrfField } from './layout.js';
import { doneLocation, field, formAction, mayAct, noticeBlock, noticeOf, problemBlock, showPage, staffOf, type PageContent } from './pageKit.js';

const VersionParam = z.coerce.number().int().positive();
const NOTICES = { loaded: (subject: string) => `Version ${subject} is stored; it prices journeys that begin from its effective time.` };
const pageOf = (operatorId: string) => `/console/operators/${encodeURIComponent(operatorId)}/tariffs`;

interface Typed {
  effectiveFrom?: string;
  data?: string;
}

/** Read the form's JSON; a syntax error names where it is. */
function tariffJson(text: string): Record<string, unknown> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`the tariff is not valid JSON: ${(error as Error).message}`, [{ path: 'data', message: (error as Error).message }]);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new ValidationError('the tariff must be a JSON object, like {"fare": {"kind": "flat", "fareMinor": 170}}', [{ path: 'data', message: 'not an object' }]);
  return data as Record<string, unknown>;
}

function versionState(tariff: Tariff, inForce: Tariff | undefined, nowMs: number): string {
  if (tariff.id === inForce?.id) return 'in force';
  return tariff.effectiveFrom > nowMs ? 'scheduled' : 'superseded';
}

/**
 * /console/tariffs: each operator's tariff versions with their effective times, a version's
 * data, and (admins) loading a new version, checked by the same tariff engine as the API
 * (every TARIFF_INVALID problem listed). An operator's staff see their own operator only.
 */
export function tariffsPage(ctx: GatewayContext) {
  const router = Router();
  const zone = ctx.config.businessTimeZone;

  async function requireOperator(operatorId: string): Promise<{ id: string; name: string; currency: string }> {
    const operator = await ctx.knex('operators').where({ id: operatorId }).first('id', 'name', 'currency');
    if (!operator) throw new NotFoundError('OPERATOR_NOT_FOUND', `operator ${operatorId}`);
    return operator;
  }

  router.get('/console/tariffs', async (_request, response) => {
    const staff = staffOf(response);
    if (staff.operatorId) return response.redirect(303, pageOf(staff.operatorId));
    await showPage(response, 'tariffs', 'Tariffs', async () => {
      const [operators, tariffs] = await Promise.all([ctx.knex('operators').orderBy('id').select('id', 'name', 'mode'), listTariffs(ctx.knex)]);
      const now = ctx.clock.now();
      const row = (operator: { id: string; name: string; mode: string }) => {
        const own = tariffs.filter((tariff) => tariff.operatorId === operator.id);
        const current = tariffInForce(tariffs, operator.id, now);
        return html`<tr><th scope="row"><a href="${pageOf(operator.id)}">${operator.name}</a></th><td>${operator.id}</td><td>${operator.mode}</td><td class="num">${own.length}</td><td>${current ? `v${current.version} (${current.data.fare.kind}) since ${formatInstant(current.effectiveFrom, zone)}` : 'none'}</td></tr>`;
      };
      return { title: 'Tariffs', body: html`<p class="hint">Choose an operator to see its tariff versions${mayAct(staff, 'admin') ? ' or load a new one' : ''}.</p>
<table><thead><tr><th scope="col">Operator</th><th scope="col">Id</th><th scope="col">Mode</th><th scope="col" class="num">Versions</th><th scope="col">In force now</th></tr></thead><tbody>${operators.map(row)}</tbody></table>` };
    });
  });

  async function render(request: Request, response: Response, problem?: GatewayError, typed: Typed = {}): Promise<PageContent> {
    const staff = staffOf(response);
    const operator = await requireOperator(request.params.operatorId as string);
    const tariffs = await listTariffs(ctx.knex, operator.id);
    const now = ctx.clock.now();
    const inForce = tariffInForce(tariffs, operator.id, now);
    const row = (tariff: Tariff) => html`<tr data-version="${tariff.version}"><th scope="row"><a href="${pageOf(operator.id)}/${tariff.version}">v${tariff.version}</a></th><td>${formatInstant(tariff.effectiveFrom, zone)}</td><td>${tariff.data.fare.kind}</td><td>${tariff.currency}</td><td>${versionState(tariff, inForce, now)}</td></tr>`;
    const latest = tariffs.at(-1);
    const form = html`<h2>Load a new version</h2>
<p class="hint">The next version number is given on loading. Journeys are priced by the version in force when they began, so a version takes effect only for journeys from its effective time (${zone}) on. The tariff engine checks it against the network first and lists every problem it finds (docs/operations.md, "Tariffs").</p>
<form class="card stacked" method="post" action="${pageOf(operator.id)}">
${csrfField(csrfTokenOf(response))}
<label>Effective from (${zone})<input type="datetime-local" name="effectiveFrom" required value="${typed.effectiveFrom ?? localInputValue(now + 3_600_000, zone)}"></label>
<label>Tariff data (JSON)<textarea name="data" rows="18" cols="100" spellcheck="false" required>${typed.data ?? (latest ? JSON.stringify(latest.data, null, 2) : '')}</textarea></label>
<button class="primary" type="submit">Load version</button>
</form>`;
    const body = html`${noticeBlock(noticeOf(request, NOTICES))}${problemBlock(problem)}
<p class="hint">${operator.name} (${operator.id}) charges in ${operator.currency}. Times are ${zone}.</p>
<table class="tariffs"><thead><tr><th scope="col">Version</th><th scope="col">Effective from</th><th scope="col">Fare rule</th><th scope="col">Currency</th><th scope="col">State</th></tr></thead>
<tbody>${tariffs.length ? tariffs.map(row) : html`<tr><td colspan="5">no tariff loaded yet</td></tr>`}</tbody></table>
${mayAct(staff, 'admin') ? form : html`<p class="hint">Admins load new versions.</p>`}`;
    return { title: `Tariffs of ${operator.name}`, body };
  }

  router.get('/console/operators/:operatorId/tariffs', (request, response) => showPage(response, 'tariffs', 'Tariffs', () => render(request, response)));

  router.get('/console/operators/:operatorId/tariffs/:version', (request, response) =>
    showPage(response, 'tariffs', 'Tariff version', async () => {
      const operator = await requireOperator(request.params.operatorId);
      const version = parseInput(VersionParam, request.params.version, 'version');
      const tariffs = await listTariffs(ctx.knex, operator.id);
      const tariff = tariffs.find((candidate) => candidate.version === version);
      if (!tariff) throw new NotFoundError('TARIFF_NOT_FOUND', `version ${version} of ${operator.id}'s tariff`);
      const state = versionState(tariff, tariffInForce(tariffs, operator.id, ctx.clock.now()), ctx.clock.now());
      return { title: `Tariff of ${operator.name}, version ${tariff.version}`, body: html`<p><a href="${pageOf(operator.id)}">All versions of ${operator.name}</a></p>
<h2>Version ${tariff.version} (${state})</h2>
<p>Effective from ${formatInstant(tariff.effectiveFrom, zone)} (${zone}), in ${tariff.currency}, fare rule <b>${tariff.data.fare.kind}</b>.</p>
<pre class="json">${JSON.stringify(tariff.data, null, 2)}</pre>` };
    }),
  );

  router.post('/console/operators/:operatorId/tariffs', (request, response) => {
    const typed = { effectiveFrom: field(request, 'effectiveFrom'), data: field(request, 'data') };
    return formAction(
      response,
      'tariffs',
      async () => {
        const operator = await requireOperator(request.params.operatorId);
        const effectiveFrom = parseLocalInput(typed.effectiveFrom, zone, 'effectiveFrom');
        const tariff = await addTariffVersion(ctx.knex, ctx.clock.now(), operator.id, { effectiveFrom, data: tariffJson(typed.data) });
        ctx.catalog.invalidate();
        return doneLocation(pageOf(operator.id), 'loaded', tariff.version);
      },
      (problem) => render(request, response, problem, typed),
    );
  });

  return router;
}
