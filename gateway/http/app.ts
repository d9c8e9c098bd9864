import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import { LANE_API_PREFIX } from '../../protocol/laneApi.js';
import { reportPagesRouter } from '../console/reportPages.js';
import type { GatewayContext } from '../context.js';
import type { JourneyPairer } from '../journeys/journeyPairer.js';
import type { TollPairer } from '../tolls/tollPairer.js';
import { accessControl } from '../access/accessControl.js';
import { changeAudit } from '../access/changeAudit.js';
import { securityHeaders } from '../access/securityHeaders.js';
import { consolePages } from '../console/consolePages.js';
import { loginPages } from '../console/loginPages.js';
import { riderPages } from '../riderPages/riderPages.js';
import { errorHandler, routeNotFound } from './errorResponse.js';
import { refuseNul } from './refuseNul.js';
import { billingRouter } from './routes/billing.js';
import { fundingRouter } from './routes/funding.js';
import { laneRouter } from './routes/lane.js';
import type { LiveStreams } from './routes/live.js';
import { operatorsRouter } from './routes/operators.js';
import { reportsRouter } from './routes/reports.js';
import { ridersRouter } from './routes/riders.js';
import { sessionRouter } from './routes/session.js';
import { settlementRouter } from './routes/settlement.js';
import { settlementConsoleRouter } from './routes/settlementConsole.js';
import { tariffsRouter } from './routes/tariffs.js';
import { tollsRouter } from './routes/tolls.js';
import { trustRouter } from './routes/trust.js';

const WEB_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'web');

/** The gateway's HTTP API (docs/api.md), behind access control (gateway/access), and its pages. */
export function createApp(ctx: GatewayContext, pairer: JourneyPairer, tolls: TollPairer, streams: LiveStreams): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(securityHeaders(ctx.config.secureCookies));
  app.use(express.json({ limit: ctx.config.maxBodyBytes, strict: true }));
  // The API takes JSON only; the pages' forms post urlencoded.
  const formBody = express.urlencoded({ extended: false, limit: ctx.config.maxBodyBytes });
  app.use((request, response, next) => (request.path.startsWith('/api/') ? next() : formBody(request, response, next)));
  app.use(refuseNul);
  app.use(accessControl(ctx));
  app.use(changeAudit(ctx));

  app.get('/api/health', (_request, response) => {
    response.json({ status: 'ok', counters: ctx.metrics.snapshot(), liveSubscribers: ctx.live.subscribers });
  });
  app.get('/api/live', streams.handler(ctx));
  app.use('/api', sessionRouter(ctx));
  app.use('/api/riders', ridersRouter(ctx));
  app.use(LANE_API_PREFIX, laneRouter(ctx, pairer, tolls));
  app.use('/api', trustRouter(ctx));
  app.use('/api', operatorsRouter(ctx));
  app.use('/api', fundingRouter(ctx));
  app.use('/api', billingRouter(ctx));
  app.use('/api', tariffsRouter(ctx));
  app.use('/api', tollsRouter(ctx));
  app.use('/api', settlementRouter(ctx));
  app.use('/api', reportsRouter(ctx));
  app.use('/api', routeNotFound);
  app.use(loginPages(ctx));
  app.use('/console/settlement', settlementConsoleRouter(ctx));
  app.use('/console/reports', reportPagesRouter(ctx));
  app.use(consolePages(ctx));
  app.use(riderPages(ctx));
  app.use(express.static(WEB_DIR, { index: false, maxAge: 0 }));
  app.use(routeNotFound);
  app.use(errorHandler(ctx.metrics));
  return app;
}
