import { Router } from 'express';
import { z } from 'zod';
import { requireOwnRecord } from '../../access/ownership.js';
import { canSeeOperator, principalOf } from '../../access/principal.js';
import type { GatewayContext } from '../../context.js';
import { GatewayError } from '../../errors.js';
import { DecideDisputeRequest, decideDispute } from '../../disputes/decideDispute.js';
import { listDisputes, requireDispute } from '../../disputes/disputeRecords.js';
import { OpenDisputeRequest, openDispute } from '../../disputes/openDispute.js';
import { loadChargeLines } from '../../receipts/chargeLines.js';
import { renderInvoiceHtml } from '../../receipts/invoiceHtml.js';
import { listInvoicesOf, loadInvoice } from '../../receipts/invoiceRecords.js';
import { InvoiceRequest, issueInvoices } from '../../receipts/issueInvoice.js';
import { operatorBilling } from '../../receipts/operatorBilling.js';
import { receiptOfCharge, receiptsOf } from '../../receipts/receipts.js';
import { requireRider } from '../../riders/riderRecords.js';
import { parseInput } from '../validate.js';

const DisputeStateQuery = z.object({ state: z.enum(['open', 'granted', 'rejected']).optional() });

/** Receipts, e-invoices and disputes (docs/api.md, "Receipts, invoices and disputes"). */
export function billingRouter(ctx: GatewayContext): Router {
  const router = Router();

  router.get('/riders/:riderId/receipts', async (request, response) => {
    const rider = await requireRider(ctx.knex, request.params.riderId);
    response.json({ receipts: (await receiptsOf(ctx.knex, await loadChargeLines(ctx.knex, { riderId: rider.id }))).reverse() });
  });

  router.get('/receipts/:chargeId', async (request, response) => {
    const receipt = await receiptOfCharge(ctx.knex, request.params.chargeId);
    requireOwnRecord(principalOf(response), { riderId: receipt.riderId, operatorId: receipt.operator.operatorId });
    response.json(receipt);
  });

  router.post('/riders/:riderId/invoices', async (request, response) => {
    response.status(201).json({ invoices: await issueInvoices(ctx, request.params.riderId, parseInput(InvoiceRequest, request.body)) });
  });

  router.get('/riders/:riderId/invoices', async (request, response) => {
    const rider = await requireRider(ctx.knex, request.params.riderId);
    response.json({ invoices: await listInvoicesOf(ctx.knex, rider.id) });
  });

  router.get('/invoices/:invoiceId', async (request, response) => {
    const invoice = await loadInvoice(ctx.knex, request.params.invoiceId);
    requireOwnRecord(principalOf(response), { riderId: invoice.buyer.riderId, operatorId: invoice.operatorId });
    response.json(invoice);
  });

  router.get('/invoices/:invoiceId/html', async (request, response) => {
    const invoice = await loadInvoice(ctx.knex, request.params.invoiceId);
    requireOwnRecord(principalOf(response), { riderId: invoice.buyer.riderId, operatorId: invoice.operatorId });
    response.type('text/html').send(renderInvoiceHtml(invoice));
  });

  router.post('/riders/:riderId/disputes', async (request, response) => {
    const { dispute, created } = await openDispute(ctx, request.params.riderId, parseInput(OpenDisputeRequest, request.body));
    response.status(created ? 201 : 200).json(dispute);
  });

  router.get('/riders/:riderId/disputes', async (request, response) => {
    const rider = await requireRider(ctx.knex, request.params.riderId);
    response.json({ disputes: await listDisputes(ctx.knex, { riderId: rider.id }) });
  });

  router.get('/disputes/:disputeId', async (request, response) => {
    const dispute = await requireDispute(ctx.knex, request.params.disputeId);
    requireOwnRecord(principalOf(response), dispute);
    response.json(dispute);
  });

  router.post('/disputes/:disputeId/decision', async (request, response) => {
    const principal = principalOf(response);
    const dispute = await requireDispute(ctx.knex, request.params.disputeId);
    if (!canSeeOperator(principal, dispute.operatorId)) throw new GatewayError('FORBIDDEN', 'this dispute is about another operator');
    response.json(await decideDispute(ctx, request.params.disputeId, parseInput(DecideDisputeRequest, request.body)));
  });

  router.get('/operators/:operatorId/disputes', async (request, response) => {
    await operatorBilling(ctx.knex, request.params.operatorId);
    const { state } = parseInput(DisputeStateQuery, request.query, 'query');
    response.json({ disputes: await listDisputes(ctx.knex, { operatorId: request.params.operatorId, state }) });
  });

  return router;
}
