import type { Knex } from 'knex';
import type { TrustChange } from '../../protocol/laneApi.js';
import { appendTrustChange } from '../trust/trustLog.js';
import type { Vehicle } from './vehicleRecords.js';

/**
 * Lanes learn a vehicle as a trust change (protocol/laneApi.ts): vehicle.add maps its tag and
 * plate to its token (sent again on a change: it replaces the entry), vehicle.remove forgets it.
 */
export function vehicleAdded(trx: Knex.Transaction, nowMs: number, vehicle: Vehicle): Promise<TrustChange> {
  return appendTrustChange(trx, nowMs, { kind: 'vehicle.add', tokenId: vehicle.tokenId, tagId: vehicle.tagId, plate: vehicle.plate, vehicleClass: vehicle.vehicleClass });
}

export function vehicleRemoved(trx: Knex.Transaction, nowMs: number, vehicle: Vehicle): Promise<TrustChange> {
  return appendTrustChange(trx, nowMs, { kind: 'vehicle.remove', tokenId: vehicle.tokenId });
}
