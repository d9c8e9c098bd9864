import { ARREARS_REASON } from '../arrears/arrearsCycle.js';
import type { GatewayContext } from '../context.js';
import { monthOf, type FamilyLink } from '../funding/familyPayer.js';
import { describeParts, type FundingPart } from '../funding/fundingParts.js';
import { accountId } from '../ledger/accounts.js';
import type { DebtorState, TokenOwner } from './batchLoad.js';
import { targetChargeMinor } from './chargeJourney.js';
import type { Journey } from './journeyRecords.js';

type Row = Record<string, unknown>;

/** Rows a batch appends to the ledger and the arrears tables, written in bulk after pricing. */
export interface LedgerWrites {
  accounts: Map<string, Row>;
  postings: Row[];
  entries: Row[];
  arrears: Row[];
  arrearsEvents: Row[];
  payerNotices: Row[];
}

export function emptyLedgerWrites(): LedgerWrites {
  return { accounts: new Map(), postings: [], entries: [], arrears: [], arrearsEvents: [], payerNotices: [] };
}

export function mergeLedgerWrites(into: LedgerWrites, from: LedgerWrites): void {
  for (const [id, row] of from.accounts) into.accounts.set(id, row);
  into.postings.push(...from.postings);
  into.entries.push(...from.entries);
  into.arrears.push(...from.arrears);
  into.arrearsEvents.push(...from.arrearsEvents);
  into.payerNotices.push(...from.payerNotices);
}

/** Thrown when a rider needs what only the one-at-a-time path does (chargeJourney.ts): their tokens are paired there instead. */
export class NeedsOneByOne extends Error {}

/** A member's family payer as the batch sees it: the link and what the payer has paid for them this month so far. */
export interface BatchFamilyPayer {
  link: FamilyLink;
  spentMinor: number;
}

/**
 * chargeJourney, postFunded, fundCharge and recordAdvance for one rider over state loaded for the
 * batch, in memory: the same postings, keys, descriptions, payer notices and arrears records in
 * the same order, as rows to insert. Wallet balances are shared by every rider of the batch (a
 * payer's wallet pays for their members and for their own journeys alike). Money given back
 * that would waive a debt, a key posted before, and an arrears cycle that would repay, deny or
 * release are NeedsOneByOne.
 */
export class RiderCharges {
  readonly writes = emptyLedgerWrites();
  private readonly wallet: string;
  /** Balances and family spending as this rider's charges leave them; the batch sees them only after commit(). */
  private readonly pendingBalances = new Map<string, number>();
  private familySpentMinor: number;

  constructor(
    private readonly ctx: GatewayContext,
    private readonly nowMs: number,
    private readonly rider: TokenOwner,
    private readonly balances: Map<string, number>,
    private readonly charged: Set<string>,
    private readonly existingKeys: ReadonlySet<string>,
    private readonly debtor: DebtorState,
    private readonly family?: BatchFamilyPayer,
    /** Net paid per account on each journey that may give money back (fundGiveBack's netPaidByAccount). */
    private readonly paidByJourney: ReadonlyMap<string, Map<string, number>> = new Map(),
  ) {
    this.wallet = accountId('rider_wallet', rider.riderId, rider.currency);
    this.familySpentMinor = family?.spentMinor ?? 0;
  }

  /** This rider's charges are written with the batch: the balances and family spending they leave become the batch's. */
  commit(): void {
    for (const [account, balance] of this.pendingBalances) this.balances.set(account, balance);
    if (this.family) this.family.spentMinor = this.familySpentMinor;
  }

  /** What chargeJourney would post for this journey now. */
  charge(journey: Journey): number {
    const deltaMinor = targetChargeMinor(journey) - journey.chargedMinor;
    if (deltaMinor === 0 || !journey.riderId || !journey.operatorId) return 0;
    if (deltaMinor < 0) return this.giveBack(journey, deltaMinor);
    const earlier = this.charged.has(journey.id);
    const key = earlier ? `adjust:${journey.id}:r${journey.revision}` : `charge:${journey.id}`;
    if (this.existingKeys.has(key)) throw new NeedsOneByOne('key posted before');
    const { rider, nowMs, family } = this;
    const parts: FundingPart[] = [];
    let left = deltaMinor;
    if (family) {
      // fundCharge's first payer: up to the member's monthly room and the payer's balance (never the payer's pay-later line).
      const payerWallet = accountId('rider_wallet', family.link.payerRiderId, rider.currency);
      const familyMinor = Math.min(left, Math.max(0, Math.min(family.link.monthlyLimitMinor - this.familySpentMinor, this.balanceOf(payerWallet))));
      if (familyMinor > 0) {
        parts.push({ payer: 'family', riderId: family.link.payerRiderId, accountId: payerWallet, amountMinor: familyMinor });
        this.pendingBalances.set(payerWallet, this.balanceOf(payerWallet) - familyMinor);
        this.familySpentMinor += familyMinor;
        left -= familyMinor;
      }
    }
    const ownMinor = Math.min(left, Math.max(0, this.balanceOf(this.wallet) + rider.payLaterLimitMinor));
    if (ownMinor > 0) parts.push({ payer: 'wallet', riderId: rider.riderId, accountId: this.wallet, amountMinor: ownMinor });
    const advanceMinor = left - ownMinor;
    if (advanceMinor > 0) parts.push({ payer: 'advance', riderId: rider.riderId, accountId: this.ensure('arrears_advance', rider.riderId), amountMinor: advanceMinor });
    const revenue = this.ensure('operator_revenue', journey.operatorId);
    const route = [journey.entryStationId, journey.exitStationId].filter(Boolean).join(' to ');
    const postingId = this.ctx.ids();
    const description = `${earlier ? 'Correction' : 'Journey'} ${route} (${journey.status}): ${journey.fareRule}`;
    this.writes.postings.push({
      id: postingId, idempotency_key: key, kind: earlier ? 'adjust' : 'charge', journey_id: journey.id, rider_id: rider.riderId, operator_id: journey.operatorId, currency: rider.currency, created_at: nowMs,
      description: `${description}; paid by ${describeParts(parts)}`,
    });
    this.writes.entries.push({ posting_id: postingId, account_id: revenue, amount_minor: deltaMinor }, ...parts.map((part) => ({ posting_id: postingId, account_id: part.accountId, amount_minor: -part.amountMinor })));
    this.pendingBalances.set(this.wallet, this.balanceOf(this.wallet) - ownMinor);
    for (const part of parts) if (part.payer === 'family') this.noticeToPayer(part, postingId, journey.id, description);
    if (advanceMinor > 0) this.recordAdvance(postingId, journey.id, advanceMinor);
    this.charged.add(journey.id);
    return deltaMinor;
  }

  /**
   * chargeJourney for a lower fare (a cap or transfer found later): never more than the operator
   * holds for the journey, given back as fundGiveBack splits it (the family payer up to what they
   * paid, then the wallet). Money that would cancel a debt waives arrears: NeedsOneByOne.
   */
  private giveBack(journey: Journey, deltaMinor: number): number {
    const paid = this.paidByJourney.get(journey.id);
    if (!paid) throw new NeedsOneByOne('money given back');
    const key = `adjust:${journey.id}:r${journey.revision}`;
    if (this.existingKeys.has(key) || !this.charged.has(journey.id)) throw new NeedsOneByOne('key posted before');
    const { rider, nowMs } = this;
    let holdsMinor = 0;
    for (const [account, paidMinor] of paid) if (account.startsWith('operator_revenue:')) holdsMinor -= paidMinor;
    const amountMinor = Math.min(-deltaMinor, Math.max(0, holdsMinor));
    if (amountMinor === 0) return 0;
    if ((paid.get(accountId('arrears_advance', rider.riderId, rider.currency)) ?? 0) > 0) throw new NeedsOneByOne('arrears to waive');
    const parts: FundingPart[] = [];
    let left = amountMinor;
    for (const [account, paidMinor] of paid) {
      if (left <= 0 || !account.startsWith('rider_wallet:') || account === this.wallet || paidMinor <= 0) continue;
      const back = Math.min(left, paidMinor);
      parts.push({ payer: 'family', riderId: account.split(':')[1], accountId: account, amountMinor: back });
      left -= back;
    }
    if (left > 0) parts.push({ payer: 'wallet', riderId: rider.riderId, accountId: this.wallet, amountMinor: left });
    const revenue = this.ensure('operator_revenue', journey.operatorId!);
    const route = [journey.entryStationId, journey.exitStationId].filter(Boolean).join(' to ');
    const description = `Correction ${route} (${journey.status}): ${journey.fareRule}`;
    const postingId = this.ctx.ids();
    this.writes.postings.push({
      id: postingId, idempotency_key: key, kind: 'adjust', journey_id: journey.id, rider_id: rider.riderId, operator_id: journey.operatorId, currency: rider.currency, created_at: nowMs,
      description: `${description}; back to ${describeParts(parts)}`,
    });
    this.writes.entries.push({ posting_id: postingId, account_id: revenue, amount_minor: -amountMinor }, ...parts.map((part) => ({ posting_id: postingId, account_id: part.accountId, amount_minor: part.amountMinor })));
    paid.set(revenue, (paid.get(revenue) ?? 0) + amountMinor);
    for (const part of parts) {
      paid.set(part.accountId, (paid.get(part.accountId) ?? 0) - part.amountMinor);
      this.pendingBalances.set(part.accountId, this.balanceOf(part.accountId) + part.amountMinor);
      if (part.payer !== 'family') continue;
      if (this.family && part.riderId === this.family.link.payerRiderId) this.familySpentMinor -= part.amountMinor;
      this.writes.payerNotices.push({
        id: this.ctx.ids(), payer_rider_id: part.riderId, member_rider_id: rider.riderId, posting_id: postingId, journey_id: journey.id, kind: 'refund', amount_minor: -part.amountMinor,
        currency: rider.currency, month: monthOf(nowMs), message: `You were paid back ${part.amountMinor} ${rider.currency} minor units for ${rider.name}: ${description}`, created_at: nowMs,
      });
    }
    return -amountMinor;
  }

  /** runArrearsCycle after a charge, when it would change nothing (else NeedsOneByOne). */
  settle(): void {
    const { open, tokens } = this.debtor;
    if (open.length && Math.max(0, this.balanceOf(this.wallet) + this.rider.payLaterLimitMinor) > 0) throw new NeedsOneByOne('arrears to repay');
    if (open.some((record) => record.state !== 'deny_listed' && this.nowMs >= record.graceEndsAt)) throw new NeedsOneByOne('grace ended');
    const denied = open.some((record) => record.state === 'deny_listed');
    const tokensAgree = denied ? tokens.every((token) => token.denyReason !== null) : tokens.every((token) => token.denyReason !== ARREARS_REASON);
    if (!tokensAgree || this.rider.status !== (denied ? 'in_arrears' : 'active')) throw new NeedsOneByOne('deny state changes');
  }

  private balanceOf(account: string): number {
    return this.pendingBalances.get(account) ?? this.balances.get(account) ?? 0;
  }

  /** recordPayerNotice's row: the payer hears of every charge paid for their member. */
  private noticeToPayer(part: FundingPart, postingId: string, journeyId: string, description: string): void {
    const { rider, nowMs } = this;
    this.writes.payerNotices.push({
      id: this.ctx.ids(), payer_rider_id: part.riderId, member_rider_id: rider.riderId, posting_id: postingId, journey_id: journeyId, kind: 'charge_paid', amount_minor: part.amountMinor,
      currency: rider.currency, month: monthOf(nowMs), message: `You paid ${part.amountMinor} ${rider.currency} minor units for ${rider.name}: ${description}`, created_at: nowMs,
    });
  }

  private ensure(kind: 'operator_revenue' | 'arrears_advance', ownerId: string): string {
    const id = accountId(kind, ownerId, this.rider.currency);
    this.writes.accounts.set(id, { id, kind, owner_id: ownerId, currency: this.rider.currency });
    return id;
  }

  private recordAdvance(postingId: string, journeyId: string, amountMinor: number): void {
    const { nowMs, rider } = this;
    const { arrearsGraceS, arrearsRetryIntervalS } = this.ctx.config;
    const id = this.ctx.ids();
    const graceEndsAt = nowMs + arrearsGraceS * 1000;
    this.writes.arrears.push({
      id, owner_kind: 'rider', owner_id: rider.riderId, account_id: this.wallet, posting_id: postingId, journey_id: journeyId, currency: rider.currency,
      advanced_minor: amountMinor, state: 'advanced', advanced_at: nowMs, grace_ends_at: graceEndsAt, next_retry_at: nowMs + arrearsRetryIntervalS * 1000, updated_at: nowMs,
    });
    this.writes.arrearsEvents.push({ arrears_id: id, owner_id: rider.riderId, at: nowMs, from_state: null, to_state: 'advanced', reason: 'CHARGE_NOT_COVERED', posting_id: postingId, amount_minor: amountMinor });
    this.debtor.open.push({ state: 'advanced', graceEndsAt });
  }
}
