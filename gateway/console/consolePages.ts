import { Router } from 'express';
import type { GatewayContext } from '../context.js';
import { auditPage } from './auditPage.js';
import { denyListPage } from './denyListPage.js';
import { keysPage } from './keysPage.js';
import { livePage } from './livePage.js';
import { ridersPage } from './ridersPage.js';
import { tariffsPage } from './tariffsPage.js';
import { vehiclesPage } from './vehiclesPage.js';

/**
 * The operator console's live and management pages (docs/operations.md, "Operator console"),
 * served by the gateway itself: HTML made on the server, forms that post back, and one script
 * for the live page. Who may see and do what is decided by gateway/access/policy.ts.
 */
export function consolePages(ctx: GatewayContext): Router {
  const router = Router();
  for (const page of [livePage, denyListPage, tariffsPage, keysPage, ridersPage, vehiclesPage, auditPage]) router.use(page(ctx));
  return router;
}
