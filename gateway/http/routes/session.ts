import { Router } from 'express';
import { z } from 'zod';
import { clientSourceOf } from '../../access/clientSource.js';
import { clearSessionCookie, setSessionCookie } from '../../access/cookies.js';
import { logIn } from '../../access/logIn.js';
import { principalOf, type AccessLocals } from '../../access/principal.js';
import { endSession } from '../../access/sessions.js';
import type { GatewayContext } from '../../context.js';
import { parseInput } from '../validate.js';

const LoginRequest = z.union([
  z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(200) }).strict(),
  z.object({ email: z.string().min(1).max(320), password: z.string().min(1).max(200) }).strict(),
]);

/** Log in and out over the API (docs/api.md, "Access"): a session cookie for a browser, its token for an app. */
export function sessionRouter(ctx: GatewayContext): Router {
  const router = Router();

  router.post('/session', async (request, response) => {
    const body = parseInput(LoginRequest, request.body);
    const kind = 'username' in body ? 'staff' : 'rider';
    const session = await logIn(ctx, { kind, name: 'username' in body ? body.username : body.email, password: body.password, source: clientSourceOf(request) });
    setSessionCookie(response, session.token, session.expiresAt, ctx.clock.now(), ctx.config.secureCookies);
    response.status(201).json({ token: session.token, csrfToken: session.csrfToken, expiresAt: session.expiresAt, principal: session.principal });
  });

  router.get('/session', (_request, response) => {
    response.json({ principal: principalOf(response) });
  });

  router.delete('/session', async (_request, response) => {
    const tokenHash = (response.locals as AccessLocals).sessionTokenHash;
    if (tokenHash) await endSession(ctx.knex, tokenHash, ctx.clock.now());
    clearSessionCookie(response, ctx.config.secureCookies);
    response.status(204).end();
  });

  return router;
}
