import { Router } from 'express';
import { arrearsViewOf } from '../../arrears/arrearsView.js';
import type { GatewayContext } from '../../context.js';
import { CreditScoreRequest, creditLineOf, setCreditScore } from '../../funding/creditLine.js';
import { FamilyPayerRequest, findFamilyLink, linkFamilyPayer, unlinkFamilyPayer } from '../../funding/familyPayer.js';
import { listPayerNotices } from '../../funding/payerNotices.js';
import { requireRider } from '../../riders/riderRecords.js';
import { parseInput } from '../validate.js';

/** Funding a rider's travel and their arrears (docs/api.md, "Funding and arrears"). */
export function fundingRouter(ctx: GatewayContext): Router {
  const router = Router();

  router.put('/riders/:riderId/credit-score', async (request, response) => {
    response.json(await setCreditScore(ctx, request.params.riderId, parseInput(CreditScoreRequest, request.body)));
  });

  router.get('/riders/:riderId/credit-line', async (request, response) => {
    response.json(await creditLineOf(ctx.knex, await requireRider(ctx.knex, request.params.riderId), ctx.config.payLaterMinScore));
  });

  router.put('/riders/:riderId/family-payer', async (request, response) => {
    response.json(await linkFamilyPayer(ctx, request.params.riderId, parseInput(FamilyPayerRequest, request.body)));
  });

  router.get('/riders/:riderId/family-payer', async (request, response) => {
    const rider = await requireRider(ctx.knex, request.params.riderId);
    response.json({ familyPayer: (await findFamilyLink(ctx.knex, rider.id)) ?? null });
  });

  router.delete('/riders/:riderId/family-payer', async (request, response) => {
    await unlinkFamilyPayer(ctx, (await requireRider(ctx.knex, request.params.riderId)).id);
    response.status(204).end();
  });

  router.get('/riders/:riderId/notices', async (request, response) => {
    const rider = await requireRider(ctx.knex, request.params.riderId);
    response.json({ notices: await listPayerNotices(ctx.knex, rider.id) });
  });

  router.get('/riders/:riderId/arrears', async (request, response) => {
    const rider = await requireRider(ctx.knex, request.params.riderId);
    response.json({ ...(await arrearsViewOf(ctx.knex, rider.id)), currency: rider.currency });
  });

  return router;
}
