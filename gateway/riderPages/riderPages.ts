import { Router } from 'express';
import type { GatewayContext } from '../context.js';
import { familyPage, linkPayerAction, stopPayingAction, unlinkPayerAction } from './familyPage.js';
import { journeysPage } from './journeysPage.js';
import { moneyPage, topUpAction } from './moneyPage.js';
import { formPost, showPage } from './pageHandlers.js';
import { invoiceAction, receiptsPage } from './receiptsPage.js';
import { rideCodePage } from './rideCodePage.js';
import { signupPages } from './signupPage.js';

/**
 * The rider's (and driver's) own pages under /me (docs/riders.md). The access rules
 * (gateway/access/policy.ts) let only a signed-in rider in, and every page reads only that
 * rider's records; forms carry the session's CSRF token and follow post/redirect/get.
 */
export function riderPages(ctx: GatewayContext): Router {
  const router = Router();
  router.use(signupPages(ctx));

  router.get('/me', showPage(ctx, rideCodePage(ctx)));
  router.get('/me/journeys', showPage(ctx, journeysPage(ctx)));

  const money = moneyPage(ctx);
  router.get('/me/money', showPage(ctx, money));
  router.post('/me/money/topup', formPost(ctx, money, topUpAction(ctx)));

  const receipts = receiptsPage(ctx);
  router.get('/me/receipts', showPage(ctx, receipts));
  router.post('/me/receipts/invoices', formPost(ctx, receipts, invoiceAction(ctx)));

  const family = familyPage(ctx);
  router.get('/me/family', showPage(ctx, family));
  router.post('/me/family/payer', formPost(ctx, family, linkPayerAction(ctx)));
  router.post('/me/family/payer/remove', formPost(ctx, family, unlinkPayerAction(ctx)));
  router.post('/me/family/members/:memberId/remove', formPost(ctx, family, stopPayingAction(ctx)));

  return router;
}
