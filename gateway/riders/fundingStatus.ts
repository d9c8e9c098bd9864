import type { Knex } from 'knex';
import type { TrustChange } from '../../protocol/laneApi.js';
import { lockForTransaction } from '../db/locks.js';
import { denyToken, releaseToken } from '../trust/denyList.js';
import { requireRider, riderFunds, tokensOfRider } from './riderRecords.js';

export const ARREARS_REASON = 'ARREARS';

/**
 * Bring a rider's status in line with their funds after a wallet posting. When available funds
 * (balance + pay-later line) fall below zero the rider is in arrears and every token is denied
 * (reason ARREARS); when they are back at zero or above, those denials are released.
 *
 * This is the immediate rule only. The full arrears cycle of design.md section 5 (retrying the
 * charge against other funding, a grace period before denying) is a later issue.
 */
export async function settleFundingStatus(trx: Knex.Transaction, nowMs: number, riderId: string): Promise<TrustChange[]> {
  await lockForTransaction(trx, `rider:${riderId}`);
  const rider = await requireRider(trx, riderId);
  const { availableMinor } = await riderFunds(trx, rider);
  const inArrears = availableMinor < 0;
  const changes: Array<TrustChange | undefined> = [];
  if (inArrears) {
    if (rider.status !== 'in_arrears') await trx('riders').where({ id: riderId }).update({ status: 'in_arrears' });
    for (const tokenId of await tokensOfRider(trx, riderId)) changes.push(await denyToken(trx, nowMs, tokenId, ARREARS_REASON));
  } else if (rider.status === 'in_arrears') {
    await trx('riders').where({ id: riderId }).update({ status: 'active' });
    for (const tokenId of await tokensOfRider(trx, riderId)) changes.push(await releaseToken(trx, nowMs, tokenId, ARREARS_REASON));
  }
  return changes.filter((change): change is TrustChange => change !== undefined);
}
