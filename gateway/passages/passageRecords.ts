import type { PassageRecord } from '../../protocol/laneApi.js';
import { toBoolean, toNumber } from '../db/rows.js';

export function passageToRow(passage: PassageRecord, receivedAt: number): Record<string, unknown> {
  return {
    id: passage.id,
    lane_id: passage.laneId,
    lane_seq: passage.laneSeq,
    station_id: passage.stationId,
    device_id: passage.deviceId,
    mode: passage.mode,
    direction: passage.direction,
    token_id: passage.tokenId,
    key_id: passage.keyId,
    fare_class: passage.fareClass,
    decided_at: passage.decidedAt,
    passed_at: passage.passedAt,
    received_at: receivedAt,
    tailgate: passage.tailgate,
    trust_stale: passage.trustStale,
  };
}

export function passageFromRow(row: Record<string, unknown>): PassageRecord {
  return {
    id: String(row.id),
    laneId: String(row.lane_id),
    laneSeq: toNumber(row.lane_seq),
    stationId: String(row.station_id),
    deviceId: String(row.device_id),
    mode: row.mode as PassageRecord['mode'],
    direction: row.direction as PassageRecord['direction'],
    tokenId: String(row.token_id),
    keyId: toNumber(row.key_id),
    fareClass: toNumber(row.fare_class),
    decidedAt: toNumber(row.decided_at),
    passedAt: toNumber(row.passed_at),
    tailgate: toBoolean(row.tailgate),
    trustStale: toBoolean(row.trust_stale),
  };
}

const FIELDS: Array<keyof PassageRecord> = ['id', 'laneId', 'laneSeq', 'stationId', 'deviceId', 'mode', 'direction', 'tokenId', 'keyId', 'fareClass', 'decidedAt', 'passedAt', 'tailgate', 'trustStale'];

/** The fields in which a re-sent passage differs from the stored one (none: a harmless retry). */
export function differingFields(stored: PassageRecord, sent: PassageRecord): string[] {
  return FIELDS.filter((field) => stored[field] !== sent[field]);
}
