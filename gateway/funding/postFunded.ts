import type { Knex } from 'knex';
import { recordAdvance } from '../arrears/recordAdvance.js';
import { waiveArrearsOfJourney } from '../arrears/waiveArrears.js';
import type { GatewayContext } from '../context.js';
import { ensureAccount } from '../ledger/accounts.js';
import { post, type LedgerPosting, type PostingKind } from '../ledger/ledger.js';
import type { Rider } from '../riders/riderRecords.js';
import { fundCharge } from './fundCharge.js';
import { describeParts, type FundingPart } from './fundingParts.js';
import { fundGiveBack } from './fundGiveBack.js';
import { recordPayerNotice } from './payerNotices.js';

export interface FundedPostingInput {
  idempotencyKey: string;
  kind: Extract<PostingKind, 'charge' | 'adjust' | 'refund'>;
  rider: Rider;
  operatorId: string;
  journeyId: string;
  /** Positive: the operator is paid this much; negative: the operator gives this much back. */
  amountMinor: number;
  description: string;
  /** Why money goes back, for the arrears event of a waived debt. */
  giveBackReason?: 'REFUNDED' | 'CORRECTED';
}

/**
 * Post a journey's money with its payers named: operator revenue ±amount against the funding
 * parts (fundCharge for a charge, fundGiveBack for money given back). When the posting is new,
 * the family payer gets a notice, an advance opens an arrears record keyed by the posting, and
 * money given back first cancels what is still owed. A replay (same key, same body) does none of
 * that again.
 */
export async function postFunded(ctx: GatewayContext, trx: Knex.Transaction, nowMs: number, input: FundedPostingInput): Promise<{ posting: LedgerPosting; parts: FundingPart[] }> {
  const { rider } = input;
  const existing = await trx('postings').where({ idempotency_key: input.idempotencyKey }).first('id');
  if (existing) return { posting: { id: String(existing.id), created: false }, parts: [] };
  const charging = input.amountMinor > 0;
  const magnitude = Math.abs(input.amountMinor);
  const parts = charging ? await fundCharge(trx, nowMs, rider, magnitude) : await fundGiveBack(trx, rider, input.journeyId, magnitude);
  const revenue = await ensureAccount(trx, 'operator_revenue', input.operatorId, rider.currency);
  const sign = charging ? -1 : 1;
  const posting = await post(trx, ctx.ids, nowMs, {
    idempotencyKey: input.idempotencyKey,
    kind: input.kind,
    currency: rider.currency,
    journeyId: input.journeyId,
    riderId: rider.id,
    operatorId: input.operatorId,
    description: `${input.description}; ${charging ? 'paid by' : 'back to'} ${describeParts(parts)}`,
    entries: [{ accountId: revenue, amountMinor: input.amountMinor }, ...parts.map((part) => ({ accountId: part.accountId, amountMinor: sign * part.amountMinor }))],
  });
  for (const part of parts) {
    if (part.payer === 'family') {
      await recordPayerNotice(trx, ctx.ids, nowMs, {
        kind: charging ? 'charge_paid' : 'refund',
        payerRiderId: part.riderId,
        memberRiderId: rider.id,
        postingId: posting.id,
        journeyId: input.journeyId,
        amountMinor: -sign * part.amountMinor,
        currency: rider.currency,
        message: `${charging ? 'You paid' : 'You were paid back'} ${part.amountMinor} ${rider.currency} minor units for ${rider.name}: ${input.description}`,
      });
    } else if (part.payer === 'advance' && charging) {
      await recordAdvance(trx, ctx.ids, ctx.config, nowMs, { ownerKind: 'rider', ownerId: rider.id, accountId: `rider_wallet:${rider.id}:${rider.currency}`, postingId: posting.id, journeyId: input.journeyId, currency: rider.currency, amountMinor: part.amountMinor });
    } else if (part.payer === 'advance') {
      await waiveArrearsOfJourney(trx, nowMs, input.journeyId, part.amountMinor, posting.id, input.giveBackReason ?? 'CORRECTED');
    }
  }
  return { posting, parts };
}
