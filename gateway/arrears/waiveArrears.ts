import type { Knex } from 'knex';
import { saveTransition, type ArrearsReason, type ArrearsRecord } from './arrearsRecords.js';
import { arrearsFromRow } from './arrearsRecords.js';

/**
 * Money given back on a journey (a granted dispute, a correction to a lower fare) first cancels
 * what is still owed for it: the debtor never paid that part, so nothing is returned to them for
 * it. The posting that moved the money (advance +x, operator -x) is the caller's. Returns how
 * much was waived.
 */
export async function waiveArrearsOfJourney(trx: Knex.Transaction, nowMs: number, journeyId: string, amountMinor: number, postingId: string, reason: Extract<ArrearsReason, 'REFUNDED' | 'CORRECTED'>): Promise<number> {
  const rows = await trx('arrears').where({ journey_id: journeyId }).whereNot('state', 'settled').orderBy([{ column: 'advanced_at' }, { column: 'id' }]).select();
  let left = amountMinor;
  for (const record of rows.map(arrearsFromRow)) {
    if (left <= 0) break;
    const waived = Math.min(record.outstandingMinor, left);
    if (waived <= 0) continue;
    const outstandingMinor = record.outstandingMinor - waived;
    const next: ArrearsRecord = { ...record, waivedMinor: record.waivedMinor + waived, outstandingMinor, state: outstandingMinor === 0 ? 'settled' : record.state, settledAt: outstandingMinor === 0 ? nowMs : null };
    await saveTransition(trx, nowMs, record, next, reason, { postingId, amountMinor: waived });
    left -= waived;
  }
  return amountMinor - left;
}
