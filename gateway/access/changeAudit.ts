import type { RequestHandler } from 'express';
import type { GatewayContext } from '../context.js';
import { recordAudit } from './audit.js';
import { principalOf } from './principal.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Lanes' passages and status are their own record (journals and settlement), not staff changes. */
const NOT_AUDITED = /^\/api\/(lane\/|session$)|^\/(login|logout|me\/login)$/;
const SECRET_FIELDS = new Set(['password', '_csrf', 'token', 'currentPassword']);

/** The body as the audit row keeps it: secrets left out, long values cut. */
function auditedBody(body: unknown): unknown {
  if (!body || typeof body !== 'object') return undefined;
  const text = JSON.stringify(body, (key, value) => (SECRET_FIELDS.has(key) ? undefined : value));
  return text.length > 4000 ? { truncated: text.slice(0, 4000) } : JSON.parse(text);
}

/**
 * Every change that succeeds is written to the audit log once answered: who (the signed-in
 * principal), when, what (method, route and body, without secrets). Refusals are written by
 * accessControl and by the error handler's callers.
 */
export function changeAudit(ctx: GatewayContext): RequestHandler {
  return (request, response, next) => {
    // Routers strip their mount path from request.path as they go: keep the whole one now.
    const path = request.path;
    if (SAFE_METHODS.has(request.method) || NOT_AUDITED.test(path)) return next();
    response.on('finish', () => {
      if (response.statusCode >= 400) return;
      const principal = principalOf(response);
      const operatorId = /^\/(?:api|console)\/operators\/([^/]+)/.exec(path)?.[1];
      recordAudit(ctx.knex, principal, ctx.clock.now(), {
        action: `${request.method} ${path.replace(/\/[0-9a-f-]{32,36}(?=\/|$)/gi, '/:id')}`,
        target: path,
        outcome: 'done',
        operatorId: operatorId ? decodeURIComponent(operatorId) : undefined,
        detail: { status: response.statusCode, body: auditedBody(request.body) },
      }).catch((error) => {
        ctx.metrics.increment('audit.write_failed');
        console.error('gateway: audit row not written', error instanceof Error ? error.message : error);
      });
    });
    next();
  };
}
