import type { TollPassageRecord } from '../../protocol/toll.js';
import { toBoolean, toNullableNumber, toNumber } from '../db/rows.js';
import type { PassageTable } from '../passages/ingestPassages.js';
import { tollPassageFacts } from '../reports/passageRollup.js';

export function tollPassageToRow(passage: TollPassageRecord, receivedAt: number): Record<string, unknown> {
  return {
    id: passage.id,
    lane_id: passage.laneId,
    lane_seq: passage.laneSeq,
    station_id: passage.stationId,
    lane: passage.lane,
    site_kind: passage.siteKind,
    direction: passage.direction,
    token_id: passage.tokenId,
    tag_id: passage.tagId,
    plate: passage.plate,
    plate_colour: passage.plateColour,
    plate_confidence: passage.plateConfidence,
    image_ref: passage.imageRef,
    vehicle_class: passage.vehicleClass,
    declared_class: passage.declaredClass,
    entry: passage.entry ? JSON.stringify(passage.entry) : null,
    exceptions: JSON.stringify(passage.exceptions),
    action: passage.action,
    decided_at: passage.decidedAt,
    passed_at: passage.passedAt,
    trust_stale: passage.trustStale,
    received_at: receivedAt,
    vehicle_token_id: null,
    trip_id: null,
  };
}

export function tollPassageFromRow(row: Record<string, unknown>): TollPassageRecord {
  const text = (value: unknown) => (value === null || value === undefined ? null : String(value));
  return {
    id: String(row.id),
    laneId: String(row.lane_id),
    laneSeq: toNumber(row.lane_seq),
    stationId: String(row.station_id),
    lane: String(row.lane),
    mode: 'toll',
    siteKind: row.site_kind as TollPassageRecord['siteKind'],
    direction: row.direction as TollPassageRecord['direction'],
    tokenId: text(row.token_id),
    tagId: text(row.tag_id),
    plate: text(row.plate),
    plateColour: text(row.plate_colour) as TollPassageRecord['plateColour'],
    plateConfidence: toNullableNumber(row.plate_confidence),
    imageRef: text(row.image_ref),
    vehicleClass: String(row.vehicle_class),
    declaredClass: text(row.declared_class),
    entry: row.entry ? (JSON.parse(String(row.entry)) as TollPassageRecord['entry']) : null,
    exceptions: JSON.parse(String(row.exceptions)) as TollPassageRecord['exceptions'],
    action: row.action as TollPassageRecord['action'],
    decidedAt: toNumber(row.decided_at),
    passedAt: toNumber(row.passed_at),
    trustStale: toBoolean(row.trust_stale),
  };
}

const FIELDS: Array<keyof TollPassageRecord> = [
  'id', 'laneId', 'laneSeq', 'stationId', 'lane', 'mode', 'siteKind', 'direction', 'tokenId', 'tagId', 'plate', 'plateColour', 'plateConfidence',
  'imageRef', 'vehicleClass', 'declaredClass', 'entry', 'exceptions', 'action', 'decidedAt', 'passedAt', 'trustStale',
];

export function differingTollFields(stored: TollPassageRecord, sent: TollPassageRecord): string[] {
  return FIELDS.filter((field) => JSON.stringify(stored[field] ?? null) !== JSON.stringify(sent[field] ?? null));
}

export const TOLL_PASSAGES: PassageTable<TollPassageRecord> = { table: 'toll_passages', toRow: tollPassageToRow, fromRow: tollPassageFromRow, differingFields: differingTollFields, reportFacts: tollPassageFacts };
