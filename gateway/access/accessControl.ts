import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { GatewayContext } from '../context.js';
import { GatewayError } from '../errors.js';
import { recordAudit } from './audit.js';
import { clientSourceOf } from './clientSource.js';
import { cookieOf, SESSION_COOKIE } from './cookies.js';
import { decideAccess } from './policy.js';
import { ANONYMOUS, type AccessLocals, type Principal } from './principal.js';
import { resolveSession } from './sessions.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const LANE_PREFIX = '/api/lane/';

function sameToken(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Who is asking (a session cookie, or a bearer token from an app), what the access rules allow
 * them (policy.ts), and, for a form or call authenticated by cookie, the CSRF token. Every
 * refusal is answered with its code and written to the audit log.
 */
export function accessControl(ctx: GatewayContext): RequestHandler {
  return async (request: Request, response: Response, next: NextFunction) => {
    if (request.path.startsWith(LANE_PREFIX)) return next();
    try {
      const locals = response.locals as AccessLocals;
      locals.principal = ANONYMOUS;
      const bearer = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
      const cookie = bearer ? undefined : cookieOf(request, SESSION_COOKIE);
      const session = bearer ?? cookie ? await resolveSession(ctx.knex, (bearer ?? cookie)!, ctx.clock.now()) : undefined;
      if (bearer && !session) return refuse(ctx, request, response, ANONYMOUS, new GatewayError('UNAUTHENTICATED', 'the access token is unknown, ended or expired'));
      if (session) {
        locals.principal = session.principal;
        locals.sessionTokenHash = session.tokenHash;
        if (cookie) locals.csrfToken = session.csrfToken;
        // A cookie is sent by the browser on its own; a form must also prove it came from our page.
        if (cookie && !SAFE_METHODS.has(request.method) && !sameToken(request.body?._csrf ?? request.headers['x-csrf-token'], session.csrfToken)) {
          return refuse(ctx, request, response, session.principal, new GatewayError('CSRF_REJECTED', 'the form is stale or did not come from this site: reload the page and try again'));
        }
      }
      const decision = decideAccess(locals.principal, request.method, request.path);
      if (decision.allowed) return next();
      if (decision.page && decision.code === 'UNAUTHENTICATED' && SAFE_METHODS.has(request.method)) {
        const login = decision.page === 'rider' ? '/me/login' : '/login';
        return response.redirect(303, `${login}?next=${encodeURIComponent(request.originalUrl)}`);
      }
      return refuse(ctx, request, response, locals.principal, new GatewayError(decision.code, decision.message), decision.operatorId);
    } catch (error) {
      next(error);
    }
  };
}

async function refuse(ctx: GatewayContext, request: Request, response: Response, principal: Principal, error: GatewayError, operatorId?: string): Promise<void> {
  ctx.metrics.increment(`access.refused.${error.code}`);
  await recordAudit(ctx.knex, principal, ctx.clock.now(), {
    action: 'access.refused',
    target: `${request.method} ${request.path}`,
    outcome: 'refused',
    operatorId: operatorId ?? (principal.kind === 'staff' ? principal.operatorId : null),
    source: clientSourceOf(request),
    detail: { code: error.code, message: error.message },
  });
  throw error;
}
