import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { csrfTokenOf } from '../access/principal.js';
import type { GatewayContext } from '../context.js';
import { findSigningKey, listIssuerKeys, revokeIssuerKey, rotateIssuerKey, type IssuerKey } from '../credentials/issuerKeys.js';
import type { GatewayError } from '../errors.js';
import { parseInput } from '../http/validate.js';
import { formatInstant } from './format.js';
import { html } from './html.js';
import { csrfField } from './layout.js';
import { doneLocation, field, formAction, mayAct, noticeBlock, noticeOf, problemBlock, showPage, staffOf, type PageContent } from './pageKit.js';

const PAGE = '/console/keys';
/** The API's limits (POST /api/keys: one hour to five years), in days. */
const ValidForDays = z.coerce.number({ error: 'a number of days' }).int('whole days').min(1, 'at least 1 day').max(5 * 365, 'at most 5 years');
const KeyIdParam = z.coerce.number().int().min(0).max(0xffff);
const NOTICES = {
  rotated: (subject: string) => `Key ${subject} is created and signs new credentials from now on; lanes learn it as a trust change. Older keys stay valid until they expire or are revoked.`,
  revoked: (subject: string) => `Key ${subject} is revoked: lanes refuse every code signed under it within seconds.`,
};

type KeyState = 'signing' | 'valid' | 'not yet valid' | 'expired' | 'revoked';

function stateOf(key: IssuerKey, signingKeyId: number | undefined, nowMs: number): KeyState {
  const nowS = Math.floor(nowMs / 1000);
  if (key.revokedAt !== null) return 'revoked';
  if (key.validUntilS <= nowS) return 'expired';
  if (key.validFromS > nowS) return 'not yet valid';
  return key.keyId === signingKeyId ? 'signing' : 'valid';
}

/**
 * /console/keys: the issuer keys credentials are signed with, their validity and state; the
 * network's admins rotate (create the next key) and revoke. Everyone else reads.
 */
export function keysPage(ctx: GatewayContext) {
  const router = Router();
  const zone = ctx.config.businessTimeZone;

  async function render(request: Request, response: Response, problem?: GatewayError, typed: { validForDays?: string } = {}): Promise<PageContent> {
    const staff = staffOf(response);
    const now = ctx.clock.now();
    const [keys, signing] = await Promise.all([listIssuerKeys(ctx.knex), findSigningKey(ctx.knex, now)]);
    const canAct = mayAct(staff, 'admin', true);
    const row = (key: IssuerKey) => {
      const state = stateOf(key, signing?.keyId, now);
      const revocable = canAct && state !== 'revoked' && state !== 'expired';
      return html`<tr data-key="${key.keyId}"><th scope="row" class="num">${key.keyId}</th><td>${key.algorithm}</td><td><code class="key">${key.publicKey}</code></td><td>${formatInstant(key.validFromS * 1000, zone)}</td><td>${formatInstant(key.validUntilS * 1000, zone)}</td><td class="state-${state === 'revoked' || state === 'expired' ? 'bad' : 'ok'}">${state}${key.revokedAt !== null ? ` at ${formatInstant(key.revokedAt, zone)}` : ''}</td>
${canAct ? html`<td>${revocable ? html`<form class="inline" method="post" action="${PAGE}/${key.keyId}/revoke">${csrfField(csrfTokenOf(response))}<button type="submit">Revoke</button></form>` : ''}</td>` : ''}</tr>`;
    };
    const rotate = html`<form class="card" method="post" action="${PAGE}">
${csrfField(csrfTokenOf(response))}
<label>Valid for (days)<input name="validForDays" type="number" min="1" max="1825" required value="${typed.validForDays ?? String(Math.round(ctx.config.issuerKeyValidForS / 86_400))}"></label>
<button class="primary" type="submit">Rotate: create the next key</button>
</form>
<p class="hint">Revoking the signing key stops credentials from being issued until another key is valid: rotate first. Lanes refuse codes signed under a revoked key at once, so riders holding such a credential need a fresh one.</p>`;
    const body = html`${noticeBlock(noticeOf(request, NOTICES))}${problemBlock(problem)}
<p class="hint">Credentials are signed with the newest valid key; lanes hold every public key, with overlapping validity, so a rotation refuses no rider. Times are ${zone}.</p>
${canAct ? rotate : html`<p class="hint">The network's admins rotate and revoke keys.</p>`}
<table class="keys"><thead><tr><th scope="col" class="num">Key id</th><th scope="col">Algorithm</th><th scope="col">Public key</th><th scope="col">Valid from</th><th scope="col">Valid until</th><th scope="col">State</th>${canAct ? html`<th scope="col"><span class="hidden-label">Revoke</span></th>` : ''}</tr></thead>
<tbody>${keys.map(row)}</tbody></table>`;
    return { title: 'Issuer keys', body };
  }

  router.get(PAGE, (request, response) => showPage(response, 'keys', 'Issuer keys', () => render(request, response)));

  router.post(PAGE, (request, response) => {
    const typed = { validForDays: field(request, 'validForDays') };
    return formAction(
      response,
      'keys',
      async () => {
        const days = parseInput(ValidForDays, typed.validForDays, 'validForDays');
        const key = await rotateIssuerKey(ctx, days * 86_400);
        return doneLocation(PAGE, 'rotated', key.keyId);
      },
      (problem) => render(request, response, problem, typed),
    );
  });

  router.post(`${PAGE}/:keyId/revoke`, (request, response) =>
    formAction(
      response,
      'keys',
      async () => {
        const keyId = parseInput(KeyIdParam, request.params.keyId, 'keyId');
        await revokeIssuerKey(ctx, keyId);
        return doneLocation(PAGE, 'revoked', keyId);
      },
      (problem) => render(request, response, problem),
    ),
  );

  return router;
}
