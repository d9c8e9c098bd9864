import { Router } from 'express';
import { z } from 'zod';
import { JOURNAL_DAYS_PATH, JournalDayPart, type JournalDays } from '../../../protocol/journalDays.js';
import { LaneReport, PassageBatch, type PassageBatchResult } from '../../../protocol/laneApi.js';
import { TollPassageBatch } from '../../../protocol/toll.js';
import { ID_PATTERN } from '../../../protocol/topics.js';
import type { GatewayContext } from '../../context.js';
import { inTransaction } from '../../db/unitOfWork.js';
import type { JourneyPairer } from '../../journeys/journeyPairer.js';
import { laneLimitsOf, laneReportView, saveLaneReport } from '../../lanes/laneReports.js';
import { endedDays } from '../../settlement/businessDays.js';
import { heldJournalDays, storeJournalPart } from '../../settlement/journalReports.js';
import { rollUpLaneDenials } from '../../reports/laneDenials.js';
import { storeTollPassageBatch } from '../../tolls/ingestTollPassages.js';
import type { TollPairer } from '../../tolls/tollPairer.js';
import { trustChangesSince } from '../../trust/trustLog.js';
import { laneAuthentication, requireOwnLane } from '../laneAuthentication.js';
import { parseInput } from '../validate.js';

const SinceQuery = z.object({ since: z.coerce.number().int().nonnegative().default(0) });
const LaneQuery = z.object({ laneId: z.string().regex(ID_PATTERN) });

/** The lane controllers' API (protocol/laneApi.ts), mounted at /api/lane/v1. */
export function laneRouter(ctx: GatewayContext, pairer: JourneyPairer, tolls: TollPairer): Router {
  const router = Router();
  router.use(laneAuthentication(ctx.config));

  router.post('/passages', async (request, response) => {
    const batch = parseInput(PassageBatch, request.body);
    requireOwnLane(response, [batch.laneId, ...batch.passages.map((passage) => passage.laneId)]);
    // Stored and paired together, answered once stored: the lane's outbox may drop them once
    // accepted. A pairing failure leaves the passages for the sweeper; it never fails the batch.
    const { result, inserted } = await pairer.storePassages(batch);
    for (const passage of inserted) ctx.live.publish('passage', passage);
    response.json(result satisfies PassageBatchResult);
  });

  router.post('/toll-passages', async (request, response) => {
    const batch = parseInput(TollPassageBatch, request.body);
    requireOwnLane(response, [batch.laneId, ...batch.passages.map((passage) => passage.laneId)]);
    const { result, inserted } = await storeTollPassageBatch(ctx, batch);
    // As for gate passages: stored first, answered after pairing; a pairing failure is the sweeper's.
    await tolls.pairVehicles(inserted.map(({ passage, vehicleTokenId }) => ({ id: passage.id, passedAt: passage.passedAt, vehicleTokenId })));
    for (const { passage, vehicleTokenId } of inserted) ctx.live.publish('passage', { ...passage, vehicleTokenId });
    response.json(result satisfies PassageBatchResult);
  });

  router.get('/trust', async (request, response) => {
    const { since } = parseInput(SinceQuery, request.query, 'query');
    response.json(await trustChangesSince(ctx.knex, since));
  });

  router.post('/status', async (request, response) => {
    const report = parseInput(LaneReport, request.body);
    requireOwnLane(response, [report.laneId]);
    const now = ctx.clock.now();
    await inTransaction(ctx.knex, async ({ trx }) => {
      await saveLaneReport(trx, report, now);
      await rollUpLaneDenials(ctx, trx, report, now);
    });
    ctx.live.publish('lane', { ...laneReportView(report, now, now, laneLimitsOf(ctx.config)), source: 'report' });
    response.status(204).end();
  });

  // Journal days for settlement (docs/protocol.md, "Journal days").
  router.get(JOURNAL_DAYS_PATH, async (request, response) => {
    const { laneId } = parseInput(LaneQuery, request.query, 'query');
    requireOwnLane(response, [laneId]);
    const days = endedDays(ctx.config, ctx.clock.now(), ctx.config.settlementReportDays);
    const held = await heldJournalDays(ctx.knex, laneId, days.map((window) => window.day));
    response.json({ days: days.map((window) => ({ ...window, held: held.get(window.day) ?? null })) } satisfies JournalDays);
  });

  router.post(JOURNAL_DAYS_PATH, async (request, response) => {
    const part = parseInput(JournalDayPart, request.body);
    requireOwnLane(response, [part.laneId]);
    response.json(await storeJournalPart(ctx, part));
  });

  return router;
}
