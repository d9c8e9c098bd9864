import type { RequestHandler, Response } from 'express';
import { laneOfApiToken } from '../../protocol/mqttAccess.js';
import type { GatewayConfig } from '../config.js';
import { GatewayError } from '../errors.js';

/**
 * Every lane API route needs `Authorization: Bearer <lane token>` (docs/protocol.md,
 * "Authentication and topic access") once the gateway has a site secret; the lane it names is
 * kept for the routes to check the batch against (laneAllowed).
 */
export function laneAuthentication(config: GatewayConfig): RequestHandler {
  return (request, response, next) => {
    const secret = config.mqttSecret;
    if (!secret) return next();
    const match = /^Bearer ([^\s]+)$/.exec(request.get('authorization') ?? '');
    const laneId = match ? laneOfApiToken(secret, match[1]) : undefined;
    if (!laneId) throw new GatewayError('LANE_UNAUTHENTICATED', 'a lane API call needs a valid lane token');
    response.locals.laneId = laneId;
    next();
  };
}

/** A lane may only send its own passages and reports. */
export function requireOwnLane(response: Response, laneIds: readonly string[]): void {
  const authenticated = response.locals.laneId as string | undefined;
  if (authenticated === undefined) return;
  const other = laneIds.find((laneId) => laneId !== authenticated);
  if (other !== undefined) throw new GatewayError('LANE_FORBIDDEN', `lane ${authenticated} may not send for lane ${other}`);
}
