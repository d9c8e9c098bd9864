import { Router } from 'express';
import { z } from 'zod';
import { listAudit, type AuditRow } from '../access/audit.js';
import type { GatewayContext } from '../context.js';
import { parseInput } from '../http/validate.js';
import { formatInstant } from './format.js';
import { html, type Html } from './html.js';
import { showPage, staffOf } from './pageKit.js';

const PAGE = '/console/audit';
const PAGE_SIZE = 50;
const AuditQuery = z.object({
  outcome: z.enum(['', 'done', 'refused'], { error: 'must be done or refused (or empty for both)' }).default(''),
  operator: z.string().max(64).default(''),
  before: z.coerce.number().int().positive().optional(),
});

function who(row: AuditRow): Html {
  if (row.actorKind === 'anonymous') return html`<span class="muted">nobody signed in</span>`;
  if (row.actorKind === 'rider') return html`rider <code>${row.actorId ?? '?'}</code>`;
  return html`${row.actorName ?? row.actorId ?? '?'}`;
}

/** What was sent (secrets are never kept), or why it was refused. */
function detailOf(row: AuditRow): Html {
  const detail = (row.detail ?? {}) as { code?: string; message?: string; body?: unknown };
  if (detail.code) return html`<code>${detail.code}</code> ${detail.message ?? ''}`;
  if (!detail.body || typeof detail.body !== 'object') return html``;
  const entries = Object.entries(detail.body as Record<string, unknown>).map(([key, value]) => {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return html`<span class="kv"><b>${key}</b> ${text.length > 120 ? `${text.slice(0, 120)}…` : text}</span>`;
  });
  return html`${entries}`;
}

/**
 * /console/audit: who changed what and when, logins and every refusal, newest first, 50 a page,
 * by outcome. An operator's staff see the rows about their operator only (the network's staff
 * may pick an operator).
 */
export function auditPage(ctx: GatewayContext) {
  const router = Router();
  const zone = ctx.config.businessTimeZone;

  router.get(PAGE, (request, response) =>
    showPage(response, 'audit', 'Audit log', async () => {
      const staff = staffOf(response);
      const query = parseInput(AuditQuery, request.query, 'query');
      const operatorId = staff.operatorId ?? (query.operator || null);
      const rows = await listAudit(ctx.knex, { operatorId, outcome: query.outcome || undefined, beforeId: query.before, limit: PAGE_SIZE });
      const operators: Array<{ id: string }> = staff.operatorId === null ? await ctx.knex('operators').orderBy('id').select('id') : [];
      const keep = (extra: Record<string, string>) => new URLSearchParams({ ...(query.outcome ? { outcome: query.outcome } : {}), ...(query.operator && staff.operatorId === null ? { operator: query.operator } : {}), ...extra }).toString();
      const row = (entry: AuditRow) => html`<tr data-outcome="${entry.outcome}"><td>${formatInstant(entry.at, zone)}</td><td>${who(entry)}</td><td>${entry.operatorId ?? html`<span class="muted">network</span>`}</td><td><code>${entry.action}</code></td><td>${entry.target ?? ''}</td><td class="state-${entry.outcome === 'done' ? 'ok' : 'bad'}">${entry.outcome}</td><td class="detail">${detailOf(entry)}</td></tr>`;
      const oldest = rows.at(-1);
      return { title: 'Audit log', body: html`<form class="filters" method="get" action="${PAGE}">
<label>Outcome<select name="outcome">${['', 'done', 'refused'].map((value) => html`<option value="${value}"${value === query.outcome ? html` selected` : ''}>${value || 'all'}</option>`)}</select></label>
${staff.operatorId === null ? html`<label>Operator<select name="operator"><option value="">all</option>${operators.map((operator) => html`<option value="${operator.id}"${operator.id === query.operator ? html` selected` : ''}>${operator.id}</option>`)}</select></label>` : ''}
<button type="submit">Show</button>
</form>
<p class="hint">${staff.operatorId === null ? 'Every change, login and refusal' : `Changes, logins and refusals of ${staff.operatorId}'s staff and about ${staff.operatorId}`}, newest first. Times are ${zone}.</p>
<table class="audit"><thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Operator</th><th scope="col">What</th><th scope="col">Target</th><th scope="col">Outcome</th><th scope="col">Detail</th></tr></thead>
<tbody>${rows.length ? rows.map(row) : html`<tr><td colspan="7">nothing recorded${query.before ? ' before this point' : ''}</td></tr>`}</tbody></table>
<p class="pager">${query.before ? html`<a href="${PAGE}?${keep({})}">Newest</a>` : ''}${rows.length === PAGE_SIZE && oldest ? html`<a href="${PAGE}?${keep({ before: String(oldest.id) })}">Older</a>` : ''}</p>` };
    }),
  );

  return router;
}
