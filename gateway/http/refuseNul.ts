import type { RequestHandler } from 'express';
import { GatewayError } from '../errors.js';

function holdsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > 64 || value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((item) => holdsNul(item, depth + 1));
  return Object.entries(value).some(([key, item]) => key.includes('\u0000') || holdsNul(item, depth + 1));
}

function decodedPathHoldsNul(path: string): boolean {
  try {
    return decodeURIComponent(path).includes('\u0000');
  } catch {
    return false; // a malformed escape is the router's to refuse
  }
}

/**
 * No text the API accepts may hold a NUL character: PostgreSQL cannot store one in a text
 * column (it would surface as a 500), while SQLite would store it, so both modes refuse it here,
 * alike, before any route reads the request.
 */
export const refuseNul: RequestHandler = (request, _response, next) => {
  if (decodedPathHoldsNul(request.path) || holdsNul(request.query) || holdsNul(request.body)) {
    next(new GatewayError('VALIDATION_FAILED', 'the request holds a NUL character (U+0000) in its path, query or body'));
    return;
  }
  next();
};
