import type { Request, Response } from 'express';

export const SESSION_COOKIE = 'turnpike_session';

/** The value of one cookie of the request (RFC 6265 section 5.4), or undefined. */
export function cookieOf(request: Request, name: string): string | undefined {
  for (const pair of (request.headers.cookie ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) return decodeURIComponent(pair.slice(at + 1).trim());
  }
  return undefined;
}

/**
 * HttpOnly (no script reads it) and SameSite=Strict (no other site's page sends it). Its lifetime
 * is given as Max-Age, relative to now, so a browser whose clock differs from the gateway's keeps it
 * as long; the gateway checks the session's own expiry on every request anyway.
 */
export function setSessionCookie(response: Response, token: string, expiresAt: number, now: number, secure: boolean): void {
  response.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure, path: '/', maxAge: Math.max(0, expiresAt - now) });
}

export function clearSessionCookie(response: Response, secure: boolean): void {
  response.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure, path: '/' });
}
