import { createHash } from 'node:crypto';
import type { Request } from 'express';

/** The client address, hashed: enough to count failed logins from one place, never stored as such. */
export function clientSourceOf(request: Request): string {
  return createHash('sha256').update(`turnpike-source:${request.socket.remoteAddress ?? 'unknown'}`).digest('base64url').slice(0, 16);
}
