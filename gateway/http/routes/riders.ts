import { Router } from 'express';
import QRCode from 'qrcode';
import { z } from 'zod';
import { MAX_CODE_TEXT_CHARS } from '../../../protocol/ridecode/format.js';
import { principalOf, roleAtLeast } from '../../access/principal.js';
import { startSession } from '../../access/sessions.js';
import type { GatewayContext } from '../../context.js';
import { GatewayError } from '../../errors.js';
import { issueCredential } from '../../credentials/issueCredential.js';
import { listJourneys } from '../../journeys/journeyRecords.js';
import { listCharges } from '../../ledger/charges.js';
import { EnrolPhoneRequest, enrolPhone } from '../../riders/enrolPhone.js';
import { RegisterRiderRequest, registerRider } from '../../riders/registerRider.js';
import { requireRider, riderFunds } from '../../riders/riderRecords.js';
import { TopUpRequest, topUp } from '../../riders/topUp.js';
import { parseInput } from '../validate.js';

const RideCodeQuery = z.object({ code: z.string().min(1).max(MAX_CODE_TEXT_CHARS) });

/** Riders, their phones, credentials, journeys and charges (docs/api.md, "Riders and ride codes"). */
export function ridersRouter(ctx: GatewayContext): Router {
  const router = Router();

  router.post('/', async (request, response) => {
    const input = parseInput(RegisterRiderRequest, request.body);
    const principal = principalOf(response);
    // A rider's credit line is set by the network (credit score, or its staff), never at sign-up.
    if (input.payLaterLimitMinor !== undefined && !(principal.kind === 'staff' && principal.operatorId === null && roleAtLeast(principal.role, 'supervisor'))) {
      throw new GatewayError('FORBIDDEN', "payLaterLimitMinor is set by the network's staff, not at sign-up");
    }
    const rider = await registerRider(ctx, input);
    // The app's access token: it acts for this rider only (docs/api.md, "Access").
    const access = await startSession(ctx.knex, { kind: 'rider', id: rider.id }, { now: ctx.clock.now(), ttlS: ctx.config.riderAppTokenTtlS });
    response.status(201).json({ id: rider.id, name: rider.name, accountId: rider.accountId, currency: rider.currency, payLaterLimitMinor: rider.payLaterLimitMinor, status: rider.status, accessToken: access.token, accessTokenExpiresAt: access.expiresAt });
  });

  router.get('/:riderId', async (request, response) => {
    const rider = await requireRider(ctx.knex, request.params.riderId);
    const funds = await riderFunds(ctx.knex, rider);
    response.json({ id: rider.id, name: rider.name, status: rider.status, currency: rider.currency, payLaterLimitMinor: rider.payLaterLimitMinor, ...funds });
  });

  router.post('/:riderId/topups', async (request, response) => {
    const result = await topUp(ctx, request.params.riderId, parseInput(TopUpRequest, request.body));
    response.status(result.created ? 201 : 200).json({ balanceMinor: result.balanceMinor });
  });

  router.post('/:riderId/phones', async (request, response) => {
    response.status(201).json(await enrolPhone(ctx, request.params.riderId, parseInput(EnrolPhoneRequest, request.body)));
  });

  router.post('/:riderId/phones/:phoneId/credential', async (request, response) => {
    response.status(201).json(await issueCredential(ctx, request.params.riderId, request.params.phoneId));
  });

  router.get('/:riderId/journeys', async (request, response) => {
    const rider = await requireRider(ctx.knex, request.params.riderId);
    response.json({ journeys: await listJourneys(ctx.knex, { riderId: rider.id }) });
  });

  router.get('/:riderId/charges', async (request, response) => {
    const rider = await requireRider(ctx.knex, request.params.riderId);
    response.json({ charges: await listCharges(ctx.knex, { riderId: rider.id }) });
  });

  router.get('/:riderId/ride-code.svg', async (request, response) => {
    await requireRider(ctx.knex, request.params.riderId);
    const { code } = parseInput(RideCodeQuery, request.query, 'query');
    const svg = await QRCode.toString(code, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    response.type('image/svg+xml').set('Cache-Control', 'no-store').send(svg);
  });

  return router;
}
