import type { RequestHandler } from 'express';

/**
 * Headers every answer carries (OWASP Secure Headers): scripts and styles only from this origin,
 * no framing, no MIME sniffing, no referrer to other sites, no camera or location for pages.
 */
const HEADERS: Record<string, string> = {
  'Content-Security-Policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  // Not no-referrer: under it browsers send "Origin: null" on same-site form posts too, and the
  // login form refuses posts that do not show they come from this site (loginPages.ts).
  'Referrer-Policy': 'same-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

export function securityHeaders(secure: boolean): RequestHandler {
  return (_request, response, next) => {
    response.set(HEADERS);
    // Only meaningful over HTTPS; a browser ignores it on plain HTTP.
    if (secure) response.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    next();
  };
}
