import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { setSessionCookie } from '../access/cookies.js';
import { principalOf } from '../access/principal.js';
import { startSession } from '../access/sessions.js';
import type { GatewayContext } from '../context.js';
import { html, type Html } from '../console/html.js';
import { sendPage } from '../console/layout.js';
import { fromThisSite } from '../console/loginPages.js';
import { GatewayError } from '../errors.js';
import { httpStatusOf } from '../http/errorResponse.js';
import { registerRider } from '../riders/registerRider.js';
import { parseForm, textField } from './forms.js';

const MIN_PASSWORD_CHARS = 12;

const SignupForm = z.object({
  name: textField('Name'),
  email: textField('E-mail address', 320).pipe(z.email('E-mail address: write it as name@example.com.')),
  // Only `password` is kept out of the audit log (gateway/access/changeAudit.ts): no second copy of it is asked for.
  password: z.string({ error: 'Password: this field is required.' }).min(MIN_PASSWORD_CHARS, `Password: at least ${MIN_PASSWORD_CHARS} characters.`).max(200, 'Password: at most 200 characters.'),
});

function signupPage(values: { name?: string; email?: string }, problem?: string): Html {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign up · Turnpike</title><link rel="stylesheet" href="/console.css"></head>
<body><main class="login">
<h1>Ride first, pay after</h1>
<p class="hint">An account for your ride code, journeys, tolls and receipts. You pay after each journey.</p>
${problem ? html`<p class="problem" role="alert">${problem}</p>` : ''}
<form method="post" action="/me/signup">
<label>Name<input name="name" autocomplete="name" required value="${values.name ?? ''}"></label>
<label>E-mail address<input name="email" type="email" autocomplete="email" required value="${values.email ?? ''}"></label>
<label>Password (at least ${MIN_PASSWORD_CHARS} characters)<input name="password" type="password" autocomplete="new-password" minlength="${MIN_PASSWORD_CHARS}" required></label>
<button class="primary" type="submit">Create my account</button>
</form>
<p class="hint">Already have one? <a href="/me/login">Log in</a>.</p>
</main></body></html>`;
}

/** /me/signup: a new rider account with a web login, signed in at once. */
export function signupPages(ctx: GatewayContext): Router {
  const router = Router();

  router.get('/me/signup', (_request, response) => {
    if (principalOf(response).kind === 'rider') return response.redirect(303, '/me');
    sendPage(response, signupPage({}));
  });

  router.post('/me/signup', async (request: Request, response: Response) => {
    const values = { name: typeof request.body?.name === 'string' ? request.body.name : undefined, email: typeof request.body?.email === 'string' ? request.body.email : undefined };
    if (!fromThisSite(request)) return sendPage(response, signupPage(values, 'This form was sent from another site.'), 403);
    try {
      const form = parseForm(SignupForm, request.body);
      const rider = await registerRider(ctx, { name: form.name, email: form.email, password: form.password });
      const session = await startSession(ctx.knex, { kind: 'rider', id: rider.id }, { now: ctx.clock.now(), ttlS: ctx.config.riderSessionTtlS });
      setSessionCookie(response, session.token, session.expiresAt, ctx.clock.now(), ctx.config.secureCookies);
      response.redirect(303, '/me');
    } catch (error) {
      if (!(error instanceof GatewayError) || httpStatusOf(error.code) >= 500) throw error;
      sendPage(response, signupPage(values, error.message), httpStatusOf(error.code));
    }
  });

  return router;
}
