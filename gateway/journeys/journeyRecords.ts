import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { toNullableNumber, toNumber } from '../db/rows.js';
import type { FareBreakdown } from '../tariffs/fareBreakdown.js';

export type StoredJourneyStatus = 'open' | 'complete' | 'no_exit' | 'no_entry' | 'void';

/** The Journey shape of docs/api.md. */
export interface Journey {
  id: string;
  riderId: string | null;
  tokenId: string;
  mode: string;
  operatorId: string | null;
  status: StoredJourneyStatus;
  entryStationId: string | null;
  exitStationId: string | null;
  startedAt: number;
  endedAt: number | null;
  fareMinor: number;
  currency: string;
  fareRule: string;
  tariffVersion: number | null;
  /** How the fare was computed, line by line (gateway/tariffs/fareBreakdown.ts); null when not priced. */
  breakdown: FareBreakdown | null;
  /** The fare class it was priced for: 0 adult, 1 child, 2 student, 3 senior, 4 disabled. */
  fareClass: number;
  entryPassageId: string | null;
  exitPassageId: string | null;
  /** What the ledger has charged for it so far (the fare once priced, 0 for open or void). */
  chargedMinor: number;
  revision: number;
}

/**
 * A journey is named after the passage that anchors it, so pairing the same passages again
 * names the same journey (an id in UUID form, version nibble 8: "custom", RFC 9562 section 5.8).
 */
export function journeyIdFor(anchorPassageId: string): string {
  let id = journeyIds.get(anchorPassageId);
  if (id === undefined) {
    id = hashJourneyId(anchorPassageId);
    // A passage is paired again when its exit or a later passage comes: keep the recent ones.
    if (journeyIds.size >= 100_000) journeyIds.clear();
    journeyIds.set(anchorPassageId, id);
  }
  return id;
}

const journeyIds = new Map<string, string>();

function hashJourneyId(anchorPassageId: string): string {
  const hex = createHash('sha256').update(`journey:${anchorPassageId}`).digest('hex').slice(0, 32).split('');
  hex[12] = '8';
  hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

export function journeyFromRow(row: Record<string, unknown>): Journey {
  return {
    id: String(row.id),
    riderId: (row.rider_id as string | null) ?? null,
    tokenId: String(row.token_id),
    mode: String(row.mode),
    operatorId: (row.operator_id as string | null) ?? null,
    status: row.status as StoredJourneyStatus,
    entryStationId: (row.entry_station_id as string | null) ?? null,
    exitStationId: (row.exit_station_id as string | null) ?? null,
    startedAt: toNumber(row.started_at),
    endedAt: toNullableNumber(row.ended_at),
    fareMinor: toNumber(row.fare_minor),
    currency: String(row.currency),
    fareRule: String(row.fare_rule),
    tariffVersion: toNullableNumber(row.tariff_version),
    breakdown: row.fare_breakdown ? (JSON.parse(String(row.fare_breakdown)) as FareBreakdown) : null,
    fareClass: toNumber(row.fare_class ?? 0),
    entryPassageId: (row.entry_passage_id as string | null) ?? null,
    exitPassageId: (row.exit_passage_id as string | null) ?? null,
    chargedMinor: toNumber(row.charged_minor),
    revision: toNumber(row.revision),
  };
}

export function journeyToRow(journey: Journey, updatedAt: number): Record<string, unknown> {
  return {
    id: journey.id,
    token_id: journey.tokenId,
    rider_id: journey.riderId,
    mode: journey.mode,
    operator_id: journey.operatorId,
    status: journey.status,
    entry_passage_id: journey.entryPassageId,
    exit_passage_id: journey.exitPassageId,
    entry_station_id: journey.entryStationId,
    exit_station_id: journey.exitStationId,
    started_at: journey.startedAt,
    ended_at: journey.endedAt,
    fare_minor: journey.fareMinor,
    currency: journey.currency,
    fare_rule: journey.fareRule,
    tariff_version: journey.tariffVersion,
    fare_breakdown: journey.breakdown ? JSON.stringify(journey.breakdown) : null,
    fare_class: journey.fareClass,
    charged_minor: journey.chargedMinor,
    revision: journey.revision,
    updated_at: updatedAt,
  };
}

export interface JourneyQuery {
  riderId?: string;
  operatorId?: string;
  fromMs?: number;
  toMs?: number;
  limit?: number;
  includeVoid?: boolean;
  mode?: string;
}

/** Journeys newest first. Void ones (superseded by a re-pairing) are left out unless asked for. */
export async function listJourneys(db: Knex | Knex.Transaction, query: JourneyQuery): Promise<Journey[]> {
  const builder = db('journeys').select().orderBy([{ column: 'started_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(Math.min(query.limit ?? 100, 1000));
  if (query.riderId) builder.where('rider_id', query.riderId);
  if (query.operatorId) builder.where('operator_id', query.operatorId);
  if (query.mode) builder.where('mode', query.mode);
  if (query.fromMs !== undefined) builder.where('started_at', '>=', query.fromMs);
  if (query.toMs !== undefined) builder.where('started_at', '<', query.toMs);
  if (!query.includeVoid) builder.whereNot('status', 'void');
  return (await builder).map(journeyFromRow);
}
