import type { Knex } from 'knex';
import { chunks } from '../db/bulk.js';
import { toNullableNumber, toNumber } from '../db/rows.js';
import type { Journey } from '../journeys/journeyRecords.js';
import type { BusinessSlots } from './businessSlots.js';
import type { RollupDelta } from './rollupDelta.js';
import { JOURNEYS_DAILY, JOURNEYS_HOURLY } from './rollupTables.js';

/** What a journey row adds to the journey rollups. */
export interface JourneyFacts {
  operatorId: string;
  startedAt: number;
  mode: string;
  status: string;
  fareClass: number;
  tariffVersion: number;
  /** The entry station, else the exit station ('' for neither). */
  stationId: string;
  fareMinor: number;
  chargedMinor: number;
  refundedMinor: number;
}

export const JOURNEY_FACT_COLUMNS = ['id', 'operator_id', 'started_at', 'mode', 'status', 'fare_class', 'tariff_version', 'entry_station_id', 'exit_station_id', 'fare_minor', 'charged_minor', 'refunded_minor'];

export function journeyFactsOfRow(row: Record<string, unknown>): JourneyFacts {
  return {
    operatorId: (row.operator_id as string | null) ?? '',
    startedAt: toNumber(row.started_at),
    mode: String(row.mode),
    status: String(row.status),
    fareClass: toNumber(row.fare_class ?? 0),
    tariffVersion: toNullableNumber(row.tariff_version) ?? 0,
    stationId: (row.entry_station_id as string | null) ?? (row.exit_station_id as string | null) ?? '',
    fareMinor: toNumber(row.fare_minor),
    chargedMinor: toNumber(row.charged_minor),
    refundedMinor: toNumber(row.refunded_minor ?? 0),
  };
}

/** A journey as it is being saved; refunds are kept on the row (recordJourneyRefund), never changed by pricing. */
export function journeyFacts(journey: Journey, refundedMinor: number): JourneyFacts {
  return {
    operatorId: journey.operatorId ?? '',
    startedAt: journey.startedAt,
    mode: journey.mode,
    status: journey.status,
    fareClass: journey.fareClass,
    tariffVersion: journey.tariffVersion ?? 0,
    stationId: journey.entryStationId ?? journey.exitStationId ?? '',
    fareMinor: journey.fareMinor,
    chargedMinor: journey.chargedMinor,
    refundedMinor,
  };
}

export function addJourneyFacts(delta: RollupDelta, slots: BusinessSlots, facts: JourneyFacts, sign: 1 | -1): void {
  const { day, hour } = slots.slotOf(facts.startedAt);
  const measures = [1, facts.fareMinor, facts.chargedMinor, facts.refundedMinor];
  delta.add(JOURNEYS_DAILY, [facts.operatorId, day, facts.mode, facts.status, facts.fareClass, facts.tariffVersion], measures, sign);
  delta.add(JOURNEYS_HOURLY, [facts.operatorId, day, hour, facts.stationId, facts.mode, facts.status], measures, sign);
}

/** A journey saved over what its row held before (undefined: a new row). */
export function rollUpJourney(delta: RollupDelta, slots: BusinessSlots, before: JourneyFacts | undefined, after: Journey): void {
  if (before) addJourneyFacts(delta, slots, before, -1);
  addJourneyFacts(delta, slots, journeyFacts(after, before?.refundedMinor ?? 0), 1);
}

/** The rollup facts of stored journeys, read in the writer's transaction before it changes them. */
export async function loadJourneyFacts(trx: Knex.Transaction, ids: readonly string[]): Promise<Map<string, JourneyFacts>> {
  const found = new Map<string, JourneyFacts>();
  for (const part of chunks([...new Set(ids)])) {
    for (const row of await trx('journeys').whereIn('id', part).select(JOURNEY_FACT_COLUMNS)) found.set(String(row.id), journeyFactsOfRow(row));
  }
  return found;
}
