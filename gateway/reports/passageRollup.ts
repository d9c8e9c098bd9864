import type { PassageRecord } from '../../protocol/laneApi.js';
import type { TollPassageRecord } from '../../protocol/toll.js';
import type { BusinessSlots } from './businessSlots.js';
import type { RollupDelta } from './rollupDelta.js';
import { LANE_EVENTS_HOURLY, PASSAGES_HOURLY } from './rollupTables.js';

/** What a stored passage (gate or toll) adds to the passage and lane-exception rollups. */
export interface PassageFacts {
  stationId: string;
  mode: string;
  direction: string;
  passedAt: number;
  /** Lane exceptions: the toll lane's codes, TAILGATE and TRUST_STALE (rollupTables.ts GATE_EXCEPTIONS). */
  exceptions: string[];
}

export function gatePassageFacts(passage: PassageRecord): PassageFacts {
  const exceptions = [...(passage.tailgate ? ['TAILGATE'] : []), ...(passage.trustStale ? ['TRUST_STALE'] : [])];
  return { stationId: passage.stationId, mode: passage.mode, direction: passage.direction, passedAt: passage.passedAt, exceptions };
}

export function tollPassageFacts(passage: TollPassageRecord): PassageFacts {
  const exceptions = [...passage.exceptions, ...(passage.trustStale ? ['TRUST_STALE'] : [])];
  return { stationId: passage.stationId, mode: 'toll', direction: passage.direction, passedAt: passage.passedAt, exceptions };
}

export function addPassageFacts(delta: RollupDelta, slots: BusinessSlots, facts: PassageFacts, count = 1): void {
  const { day, hour } = slots.slotOf(facts.passedAt);
  delta.add(PASSAGES_HOURLY, [day, facts.stationId, hour, facts.mode, facts.direction], [count]);
  for (const code of facts.exceptions) delta.add(LANE_EVENTS_HOURLY, [day, facts.stationId, hour, facts.mode, 'exception', code], [count]);
}
