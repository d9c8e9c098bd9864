import { createHash } from 'node:crypto';
import { canonicalJson } from '../../protocol/passageFingerprint.js';
import type { ReconciliationCode, SettlementException } from './laneReconciliation.js';
import type { ChargeLine, MoneyTotals } from './settlementMoney.js';
import type { PassageLine } from './storedPassages.js';

/** One lane's reconciliation at a glance. */
export interface LaneSummary {
  laneId: string;
  stationId: string;
  /** Whether the lane's complete journal report of the day was held. */
  reported: boolean;
  /** Passages the lane journaled in the day (null when it did not report). */
  laneCount: number | null;
  /** Passages of the lane the gateway stored for the day. */
  gatewayCount: number;
  /** Passages both hold alike (same sequence number, id and content). */
  matched: number;
  exceptions: number;
  /** When the gateway completed the lane's report, and which report it was. */
  reportedAt: number | null;
  reportDigest: string | null;
}

export interface SettlementTotals extends MoneyTotals {
  /** Passages the gateway stored with their passage time in the day. */
  passages: number;
  /** Passages the reporting lanes journaled in the day. */
  lanePassages: number;
  lanes: number;
  lanesReported: number;
  exceptions: number;
  exceptionsByCode: Partial<Record<ReconciliationCode, number>>;
}

/** What changed after a statement was closed; not part of the statement, which stays as it was. */
export interface SinceClosed {
  /** Passages of the day the gateway received after the close, by lane. */
  lateArrivals: Array<{ laneId: string; passages: number }>;
  /** Lanes whose journal report of the day was completed (first, or again) after the close. */
  reportsSince: string[];
}

export interface SettlementStatement {
  operatorId: string;
  operatorName: string;
  day: string;
  fromMs: number;
  toMs: number;
  timeZone: string;
  cutoff: string;
  currency: string;
  state: 'draft' | 'closed';
  /** When this content was computed: the close time of a closed statement. */
  computedAt: number;
  closedAt: number | null;
  closedBy: string | null;
  /** SHA-256 of the closed statement (statementDigest); null for a draft. */
  digest: string | null;
  totals: SettlementTotals;
  passages: PassageLine[];
  charges: ChargeLine[];
  lanes: LaneSummary[];
  exceptions: SettlementException[];
  sinceClosed?: SinceClosed;
}

/** The digest a closed statement carries: over everything it says, in canonical JSON. */
export function statementDigest(statement: SettlementStatement): string {
  const { digest: _digest, sinceClosed: _since, ...content } = statement;
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}
