import type { Knex } from 'knex';
import type { IdGenerator } from '../../protocol/ids.js';
import { ensureAccount } from '../ledger/accounts.js';
import { post } from '../ledger/ledger.js';
import type { Journey } from './journeyRecords.js';

const CHARGEABLE = new Set(['complete', 'no_exit', 'no_entry']);

/** What the ledger should hold for a journey: its fare once priced, nothing while open or void. */
export function targetChargeMinor(journey: Journey): number {
  return journey.riderId && journey.operatorId && CHARGEABLE.has(journey.status) ? journey.fareMinor : 0;
}

/**
 * Bring the ledger in line with a journey: the first charge is `charge:<journeyId>`, any later
 * correction (a late passage re-paired it) is `adjust:<journeyId>:r<revision>` for the
 * difference. Wallet -amount, operator revenue +amount: the operator is paid even when the rider
 * cannot pay (pay-later, then arrears). Returns the amount posted now.
 */
export async function chargeJourney(trx: Knex.Transaction, ids: IdGenerator, nowMs: number, journey: Journey): Promise<number> {
  const deltaMinor = targetChargeMinor(journey) - journey.chargedMinor;
  if (deltaMinor === 0 || !journey.riderId || !journey.operatorId) return 0;
  const earlier = await trx('postings').where({ journey_id: journey.id }).first('id');
  const revenue = await ensureAccount(trx, 'operator_revenue', journey.operatorId, journey.currency);
  const wallet = await ensureAccount(trx, 'rider_wallet', journey.riderId, journey.currency);
  const route = [journey.entryStationId, journey.exitStationId].filter(Boolean).join(' to ');
  await post(trx, ids, nowMs, {
    idempotencyKey: earlier ? `adjust:${journey.id}:r${journey.revision}` : `charge:${journey.id}`,
    kind: earlier ? 'adjust' : 'charge',
    currency: journey.currency,
    journeyId: journey.id,
    riderId: journey.riderId,
    operatorId: journey.operatorId,
    description: `${earlier ? 'Correction' : 'Journey'} ${route} (${journey.status}): ${journey.fareRule}`,
    entries: [
      { accountId: wallet, amountMinor: -deltaMinor },
      { accountId: revenue, amountMinor: deltaMinor },
    ],
  });
  return deltaMinor;
}
