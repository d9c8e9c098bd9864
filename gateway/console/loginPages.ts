import { Router, type Request, type Response } from 'express';
import { clientSourceOf } from '../access/clientSource.js';
import { clearSessionCookie, setSessionCookie } from '../access/cookies.js';
import { logIn } from '../access/logIn.js';
import { principalOf, type AccessLocals } from '../access/principal.js';
import { endSession } from '../access/sessions.js';
import type { GatewayContext } from '../context.js';
import { GatewayError } from '../errors.js';
import { httpStatusOf } from '../http/errorResponse.js';
import { html, type Html } from './html.js';
import { sendPage } from './layout.js';

type Audience = 'staff' | 'rider';
const HOME: Record<Audience, string> = { staff: '/console', rider: '/me' };
const FORM: Record<Audience, string> = { staff: '/login', rider: '/me/login' };

/** Only a path on this site: "//host" or "https://…" would send a user elsewhere after login. */
function safeNext(next: unknown, audience: Audience): string {
  return typeof next === 'string' && /^\/(?!\/)/.test(next) && !next.includes('\\') ? next : HOME[audience];
}

function loginPage(audience: Audience, next: string, problem?: string): Html {
  const staff = audience === 'staff';
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Log in · Turnpike</title><link rel="stylesheet" href="/console.css"></head>
<body><main class="login">
<h1>${staff ? 'Turnpike operator console' : 'Your Turnpike account'}</h1>
${problem ? html`<p class="problem" role="alert">${problem}</p>` : ''}
<form method="post" action="${FORM[audience]}">
<input type="hidden" name="next" value="${next}">
<label>${staff ? 'Username' : 'E-mail address'}<input name="name" autocomplete="username" required ${staff ? '' : html`type="email"`}></label>
<label>Password<input name="password" type="password" autocomplete="current-password" required></label>
<button class="primary" type="submit">Log in</button>
</form>
<p class="hint">${staff ? html`Riders and drivers: <a href="/me/login">log in here</a>.` : html`New here? <a href="/me/signup">Create an account</a>. Operator staff: <a href="/login">log in here</a>.`}</p>
</main></body></html>`;
}

/**
 * A login form posted from another site is refused (login CSRF). Browsers name where a request
 * comes from in Sec-Fetch-Site (Fetch Metadata); Origin cannot tell on its own, since under our
 * Referrer-Policy (no-referrer) a browser sends `Origin: null` with every form post (Fetch
 * standard, "append a request Origin header"). A client that sends neither is no browser.
 */
export function fromThisSite(request: Request): boolean {
  const site = request.headers['sec-fetch-site'];
  if (typeof site === 'string') return site === 'same-origin';
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false; // "null", or not a URL
  }
}

/** The login forms of staff (/login) and riders (/me/login), logging out, and the front door. */
export function loginPages(ctx: GatewayContext): Router {
  const router = Router();

  router.get('/', (_request, response) => {
    const principal = principalOf(response);
    response.redirect(303, principal.kind === 'staff' ? HOME.staff : principal.kind === 'rider' ? HOME.rider : FORM.staff);
  });

  for (const audience of ['staff', 'rider'] as const) {
    router.get(FORM[audience], (request, response) => sendPage(response, loginPage(audience, safeNext(request.query.next, audience))));
    router.post(FORM[audience], async (request: Request, response: Response) => {
      const next = safeNext(request.body?.next, audience);
      if (!fromThisSite(request)) return sendPage(response, loginPage(audience, next, 'This form was sent from another site.'), 403);
      try {
        const session = await logIn(ctx, { kind: audience, name: String(request.body?.name ?? ''), password: String(request.body?.password ?? ''), source: clientSourceOf(request) });
        setSessionCookie(response, session.token, session.expiresAt, ctx.clock.now(), ctx.config.secureCookies);
        response.redirect(303, next);
      } catch (error) {
        if (!(error instanceof GatewayError)) throw error;
        sendPage(response, loginPage(audience, next, error.message), httpStatusOf(error.code));
      }
    });
  }

  router.post('/logout', async (_request, response) => {
    const locals = response.locals as AccessLocals;
    const audience: Audience = locals.principal?.kind === 'rider' ? 'rider' : 'staff';
    if (locals.sessionTokenHash) await endSession(ctx.knex, locals.sessionTokenHash, ctx.clock.now());
    clearSessionCookie(response, ctx.config.secureCookies);
    response.redirect(303, FORM[audience]);
  });

  return router;
}
