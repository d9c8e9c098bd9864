import type { ErrorRequestHandler, RequestHandler } from 'express';
import { GatewayError, type ErrorCode } from '../errors.js';
import type { Metrics } from '../metrics.js';

/** The one place error codes become HTTP statuses. */
const HTTP_STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  BODY_TOO_LARGE: 413,
  ROUTE_NOT_FOUND: 404,
  RIDER_NOT_FOUND: 404,
  PHONE_NOT_FOUND: 404,
  TOKEN_NOT_FOUND: 404,
  KEY_NOT_FOUND: 404,
  OPERATOR_NOT_FOUND: 404,
  CHARGE_NOT_FOUND: 404,
  INVOICE_NOT_FOUND: 404,
  DISPUTE_NOT_FOUND: 404,
  VEHICLE_NOT_FOUND: 404,
  TARIFF_NOT_FOUND: 404,
  PLATE_ALREADY_REGISTERED: 409,
  TAG_ALREADY_REGISTERED: 409,
  PLATE_INVALID: 400,
  VEHICLE_CLASS_INVALID: 422,
  IDEMPOTENCY_CONFLICT: 409,
  CHARGE_ALREADY_INVOICED: 409,
  DISPUTE_ALREADY_OPEN: 409,
  DISPUTE_ALREADY_DECIDED: 409,
  NOTHING_TO_INVOICE: 422,
  REFUND_EXCEEDS_CHARGE: 422,
  FAMILY_LINK_INVALID: 422,
  KEY_ALREADY_REVOKED: 409,
  TARIFF_INVALID: 422,
  ALGORITHM_UNSUPPORTED: 400,
  NO_SIGNING_KEY: 503,
  LANE_UNAUTHENTICATED: 401,
  LANE_FORBIDDEN: 403,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  CSRF_REJECTED: 403,
  LOGIN_FAILED: 401,
  LOGIN_RATE_LIMITED: 429,
  STAFF_USER_NOT_FOUND: 404,
  USERNAME_TAKEN: 409,
  EMAIL_TAKEN: 409,
  REPORT_INVALID: 400,
  REPORT_NOT_FOUND: 404,
  SETTLEMENT_DAY_NOT_OVER: 409,
  SETTLEMENT_ALREADY_CLOSED: 409,
  JOURNAL_REPORT_INVALID: 422,
  INTERNAL: 500,
};

export function httpStatusOf(code: ErrorCode): number {
  return HTTP_STATUS[code];
}

/** Errors thrown by the body parser (http-errors), told apart by their `type`. */
function fromBodyParser(error: { type?: unknown; message?: string }): GatewayError | undefined {
  if (error.type === 'entity.too.large') return new GatewayError('BODY_TOO_LARGE', 'request body is larger than the gateway accepts', { cause: error });
  if (error.type === 'entity.parse.failed') return new GatewayError('MALFORMED_JSON', 'request body is not valid JSON', { cause: error });
  if (typeof error.type === 'string' && error.type.startsWith('encoding.') || error.type === 'charset.unsupported') {
    return new GatewayError('VALIDATION_FAILED', error.message ?? 'unsupported request encoding', { cause: error });
  }
  return undefined;
}

export function errorHandler(metrics: Metrics): ErrorRequestHandler {
  return (error: unknown, _request, response, _next) => {
    const known = error instanceof GatewayError ? error : (fromBodyParser(error as { type?: unknown }) ?? new GatewayError('INTERNAL', 'internal error', { cause: error }));
    metrics.increment(`http.errors.${known.code}`);
    if (known.code === 'INTERNAL') console.error('gateway: unhandled error', error);
    if (response.headersSent) {
      response.end();
      return;
    }
    const body: Record<string, unknown> = { code: known.code, message: known.message };
    if (known.details !== undefined) body.details = known.details;
    const retryAfterS = (known.details as { retryAfterS?: unknown } | undefined)?.retryAfterS;
    if (typeof retryAfterS === 'number') response.set('Retry-After', String(retryAfterS));
    // A route may have chosen another type (an HTML page) before it failed: an error is always JSON.
    response.status(httpStatusOf(known.code)).type('application/json').json({ error: body });
  };
}

export const routeNotFound: RequestHandler = (request) => {
  throw new GatewayError('ROUTE_NOT_FOUND', `no route for ${request.method} ${request.path}`);
};
