/**
 * Who paid (or is paid back) for part of a charge: every charge, correction and refund posting
 * is split into these, so the ledger names the payer of each minor unit.
 * - family: the member's family payer, from their wallet;
 * - wallet: the rider's own wallet, down to their pay-later line;
 * - advance: the arrears advance account (the rider owes it; gateway/arrears).
 */
export interface FundingPart {
  payer: 'family' | 'wallet' | 'advance';
  /** The rider whose account it is (for advance: the debtor). */
  riderId: string;
  accountId: string;
  amountMinor: number;
}

export function describeParts(parts: readonly FundingPart[]): string {
  return parts.map((part) => `${part.payer === 'family' ? `family payer ${part.riderId}` : part.payer} ${part.amountMinor}`).join(', ');
}
