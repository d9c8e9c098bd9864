import type { Knex } from 'knex';
import { dialectOf } from '../../db/connect.js';
import { toNullableNumber, toNumber } from '../db/rows.js';
import type { BusinessDayWindow } from './businessDays.js';
import { productOf } from './products.js';

/** Operator revenue of a day, by the lane a journey ended at and its product and tariff version. */
export interface ChargeLine {
  /** The lane of the journey's exit (else its entry); null for money not tied to a stored passage. */
  laneId: string | null;
  product: string;
  tariffVersion: number | null;
  /** Journeys first charged this day. */
  journeys: number;
  chargedMinor: number;
  /** Corrections of earlier charges (signed). */
  adjustedMinor: number;
  /** Given back on granted disputes (positive). */
  refundedMinor: number;
}

export interface MoneyTotals {
  journeys: number;
  chargedMinor: number;
  adjustedMinor: number;
  refundedMinor: number;
  /** What the operator is credited for the day: charged + adjusted - refunded. */
  netMinor: number;
  /** Of the day's charges, what the advance fund paid for riders who could not. */
  advancedMinor: number;
  /** Owed at the end of the day on every advanced charge of the operator, this day's or earlier. */
  inArrearsMinor: number;
}

const KINDS = ['charge', 'adjust', 'refund'] as const;

/**
 * The day's money, by posting time: a posting belongs to the business day it was made in, so a
 * day's money never changes once the day is over (the ledger is append-only, and a late journey
 * or a correction is money of the day it is posted).
 */
export async function moneyOfDay(db: Knex, operatorId: string, window: BusinessDayWindow): Promise<{ lines: ChargeLine[]; totals: MoneyTotals }> {
  const vehicleClass = dialectOf(db) === 'pg' ? db.raw(`(j.fare_breakdown::json #>> '{toll,vehicleClass}') AS vehicle_class`) : db.raw(`json_extract(j.fare_breakdown, '$.toll.vehicleClass') AS vehicle_class`);
  const rows = await db('postings as p')
    .join('ledger_entries as e', 'e.posting_id', 'p.id')
    .join('accounts as a', 'a.id', 'e.account_id')
    .leftJoin('journeys as j', 'j.id', 'p.journey_id')
    .leftJoin('passages as gp', 'gp.id', db.raw('COALESCE(j.exit_passage_id, j.entry_passage_id)'))
    .leftJoin('toll_passages as tp', 'tp.id', db.raw('COALESCE(j.exit_passage_id, j.entry_passage_id)'))
    .where('a.kind', 'operator_revenue')
    .where('p.operator_id', operatorId)
    .whereIn('p.kind', [...KINDS])
    .where('p.created_at', '>=', window.fromMs)
    .where('p.created_at', '<', window.toMs)
    .select('p.kind', 'e.amount_minor', 'j.mode', 'j.fare_class', 'j.tariff_version', 'gp.lane_id as gate_lane', 'tp.lane_id as toll_lane', vehicleClass);
  const lines = new Map<string, ChargeLine>();
  const totals: MoneyTotals = { journeys: 0, chargedMinor: 0, adjustedMinor: 0, refundedMinor: 0, netMinor: 0, advancedMinor: 0, inArrearsMinor: 0 };
  for (const row of rows) {
    const laneId = (row.gate_lane ?? row.toll_lane ?? null) as string | null;
    const product = productOf(row.mode ?? null, toNullableNumber(row.fare_class), row.vehicle_class === null || row.vehicle_class === undefined ? null : String(row.vehicle_class));
    const tariffVersion = toNullableNumber(row.tariff_version);
    const key = `${laneId}|${product}|${tariffVersion}`;
    const line = lines.get(key) ?? { laneId, product, tariffVersion, journeys: 0, chargedMinor: 0, adjustedMinor: 0, refundedMinor: 0 };
    const amountMinor = toNumber(row.amount_minor);
    if (row.kind === 'charge') {
      line.journeys++;
      line.chargedMinor += amountMinor;
    } else if (row.kind === 'adjust') line.adjustedMinor += amountMinor;
    else line.refundedMinor -= amountMinor;
    lines.set(key, line);
  }
  const sorted = [...lines.values()].sort((a, b) => (a.laneId ?? '~').localeCompare(b.laneId ?? '~') || a.product.localeCompare(b.product) || (a.tariffVersion ?? 0) - (b.tariffVersion ?? 0));
  for (const line of sorted) {
    totals.journeys += line.journeys;
    totals.chargedMinor += line.chargedMinor;
    totals.adjustedMinor += line.adjustedMinor;
    totals.refundedMinor += line.refundedMinor;
  }
  totals.netMinor = totals.chargedMinor + totals.adjustedMinor - totals.refundedMinor;
  Object.assign(totals, await arrearsOfDay(db, operatorId, window));
  return { lines: sorted, totals };
}

/**
 * Advances are the arrears records of the operator's charges (gateway/arrears); what was owed at
 * the end of the day is each advance less what its events repaid or waived before then, so the
 * figure is the same whenever the statement is computed.
 */
async function arrearsOfDay(db: Knex, operatorId: string, window: BusinessDayWindow): Promise<{ advancedMinor: number; inArrearsMinor: number }> {
  const ofOperator = () => db('arrears as r').join('postings as p', 'p.id', 'r.posting_id').where('p.operator_id', operatorId).where('r.advanced_at', '<', window.toMs);
  const [advanced, everAdvanced, reduced] = await Promise.all([
    ofOperator().where('r.advanced_at', '>=', window.fromMs).sum({ total: 'r.advanced_minor' }).first(),
    ofOperator().sum({ total: 'r.advanced_minor' }).first(),
    ofOperator()
      .join('arrears_events as v', 'v.arrears_id', 'r.id')
      .whereIn('v.reason', ['REPAID', 'REFUNDED', 'CORRECTED'])
      .where('v.at', '<', window.toMs)
      .sum({ total: 'v.amount_minor' })
      .first(),
  ]);
  return { advancedMinor: toNumber(advanced?.total ?? 0), inArrearsMinor: toNumber(everAdvanced?.total ?? 0) - toNumber(reduced?.total ?? 0) };
}
