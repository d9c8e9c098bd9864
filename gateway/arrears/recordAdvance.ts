import type { Knex } from 'knex';
import type { GatewayConfig } from '../config.js';
import type { IdGenerator } from '../../protocol/ids.js';

export interface AdvanceInput {
  ownerKind: string;
  ownerId: string;
  /** The debtor's account that will repay. */
  accountId: string;
  /** The charge posting that was advanced: the record is keyed by it. */
  postingId: string;
  journeyId: string | null;
  currency: string;
  amountMinor: number;
}

/**
 * Record the debt an advance left (design.md section 5: the operator is always paid). The
 * posting that paid the operator from the advance account is the caller's; this is the state
 * that the cycle then retries, deny-lists after grace and settles.
 */
export async function recordAdvance(trx: Knex.Transaction, ids: IdGenerator, config: Pick<GatewayConfig, 'arrearsGraceS' | 'arrearsRetryIntervalS'>, nowMs: number, input: AdvanceInput): Promise<void> {
  const existing = await trx('arrears').where({ posting_id: input.postingId }).first('id');
  if (existing) return;
  const id = ids();
  await trx('arrears').insert({
    id,
    owner_kind: input.ownerKind,
    owner_id: input.ownerId,
    account_id: input.accountId,
    posting_id: input.postingId,
    journey_id: input.journeyId,
    currency: input.currency,
    advanced_minor: input.amountMinor,
    state: 'advanced',
    advanced_at: nowMs,
    grace_ends_at: nowMs + config.arrearsGraceS * 1000,
    next_retry_at: nowMs + config.arrearsRetryIntervalS * 1000,
    updated_at: nowMs,
  });
  await trx('arrears_events').insert({
    arrears_id: id,
    owner_id: input.ownerId,
    at: nowMs,
    from_state: null,
    to_state: 'advanced',
    reason: 'CHARGE_NOT_COVERED',
    posting_id: input.postingId,
    amount_minor: input.amountMinor,
  });
}
