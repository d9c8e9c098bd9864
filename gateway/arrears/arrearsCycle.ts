import type { Knex } from 'knex';
import type { TrustChange } from '../../protocol/laneApi.js';
import type { GatewayContext } from '../context.js';
import { lockForTransaction } from '../db/locks.js';
import { accountId } from '../ledger/accounts.js';
import { post } from '../ledger/ledger.js';
import { denyToken, releaseToken } from '../trust/denyList.js';
import { arrearsPartyOf } from './arrearsParty.js';
import { openArrearsOf, saveTransition, type ArrearsRecord } from './arrearsRecords.js';

export const ARREARS_REASON = 'ARREARS';

/**
 * What set the cycle going: a charge or a correction (repays from whatever the wallet holds, but
 * is not a retry), a top-up or a refund (funds came in: every debt is retried), or the scheduled
 * retry (debts whose retry is due).
 */
export type ArrearsTrigger = 'charge' | 'topup' | 'refund' | 'retry';

/**
 * One turn of the arrears cycle for a debtor (design.md section 5), inside the caller's
 * transaction under the debtor's lock:
 * 1. repay open debts oldest first from what the debtor can pay now (a correction that gave money
 *    back to the wallet counts too): wallet -x, advance +x, keyed
 *    `repay:<arrearsId>:<repaid so far>`; a debt repaid in full is settled (REPAID);
 * 2. a retry that left a debt outstanding moves it from advanced to in_grace (RETRY_FAILED) and
 *    schedules the next one arrearsRetryIntervalS later;
 * 3. a debt still outstanding at the end of its grace period is deny_listed (GRACE_EXPIRED);
 * 4. the debtor's tokens are denied (reason ARREARS) while any debt is deny_listed, and released
 *    the moment none is.
 * Returns the trust changes to publish after commit.
 */
export async function runArrearsCycle(ctx: GatewayContext, trx: Knex.Transaction, nowMs: number, ownerKind: string, ownerId: string, trigger: ArrearsTrigger): Promise<TrustChange[]> {
  const party = arrearsPartyOf(ownerKind);
  await lockForTransaction(trx, `${ownerKind}:${ownerId}`);
  const open = await openArrearsOf(trx, ownerId);
  if (open.length) await repay(ctx, trx, nowMs, open, await party.repayableMinor(trx, ownerId));
  for (const [index, record] of open.entries()) {
    if (record.state === 'settled') continue;
    let current = record;
    const retried = trigger === 'topup' || trigger === 'refund' || (trigger === 'retry' && record.nextRetryAt <= nowMs);
    if (retried) {
      const next: ArrearsRecord = { ...current, retries: current.retries + 1, nextRetryAt: nowMs + ctx.config.arrearsRetryIntervalS * 1000, state: current.state === 'advanced' ? 'in_grace' : current.state };
      await saveTransition(trx, nowMs, current, next, 'RETRY_FAILED');
      current = next;
    }
    if (current.state !== 'deny_listed' && nowMs >= current.graceEndsAt) {
      const next: ArrearsRecord = { ...current, state: 'deny_listed' };
      await saveTransition(trx, nowMs, current, next, 'GRACE_EXPIRED');
      current = next;
    }
    open[index] = current;
  }
  return applyDenyState(trx, nowMs, ownerKind, ownerId, open.some((record) => record.state === 'deny_listed'));
}

async function repay(ctx: GatewayContext, trx: Knex.Transaction, nowMs: number, open: ArrearsRecord[], repayableMinor: number): Promise<void> {
  let left = repayableMinor;
  for (const [index, record] of open.entries()) {
    if (left <= 0) break;
    const amountMinor = Math.min(record.outstandingMinor, left);
    if (amountMinor <= 0) continue;
    const posting = await post(trx, ctx.ids, nowMs, {
      idempotencyKey: `repay:${record.id}:${record.repaidMinor}`,
      kind: 'arrears_repay',
      currency: record.currency,
      journeyId: record.journeyId ?? undefined,
      riderId: record.ownerKind === 'rider' ? record.ownerId : undefined,
      description: `Arrears repaid for charge ${record.postingId}: paid by ${record.accountId}`,
      entries: [
        { accountId: record.accountId, amountMinor: -amountMinor },
        { accountId: accountId('arrears_advance', record.ownerId, record.currency), amountMinor },
      ],
    });
    left -= amountMinor;
    const outstandingMinor = record.outstandingMinor - amountMinor;
    const next: ArrearsRecord = { ...record, repaidMinor: record.repaidMinor + amountMinor, outstandingMinor, state: outstandingMinor === 0 ? 'settled' : record.state, settledAt: outstandingMinor === 0 ? nowMs : null };
    await saveTransition(trx, nowMs, record, next, 'REPAID', { postingId: posting.id, amountMinor });
    open[index] = next;
  }
}

async function applyDenyState(trx: Knex.Transaction, nowMs: number, ownerKind: string, ownerId: string, denied: boolean): Promise<TrustChange[]> {
  const party = arrearsPartyOf(ownerKind);
  const changes: Array<TrustChange | undefined> = [];
  const tokens = await party.tokensOf(trx, ownerId);
  if (denied) for (const tokenId of tokens) changes.push(await denyToken(trx, nowMs, tokenId, ARREARS_REASON));
  else for (const tokenId of tokens) changes.push(await releaseToken(trx, nowMs, tokenId, ARREARS_REASON));
  await party.markDenied(trx, ownerId, denied);
  return changes.filter((change): change is TrustChange => change !== undefined);
}
