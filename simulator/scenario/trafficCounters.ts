import type { RiderActionResult } from '../people/rider.js';

export interface TrafficCounters {
  journeysStarted: number;
  journeysFinished: number;
  /** Ticks when every rider was already travelling. */
  skippedNoIdleRider: number;
  scans: number;
  opened: number;
  denied: number;
  deniedByReason: Record<string, number>;
  /** No command came back, or the device was offline. */
  unanswered: number;
  passages: number;
  tailgates: number;
  walkAways: number;
  boardings: number;
  rttMsTotal: number;
}

export function emptyTrafficCounters(): TrafficCounters {
  return { journeysStarted: 0, journeysFinished: 0, skippedNoIdleRider: 0, scans: 0, opened: 0, denied: 0, deniedByReason: {}, unanswered: 0, passages: 0, tailgates: 0, walkAways: 0, boardings: 0, rttMsTotal: 0 };
}

export function countAction(counters: TrafficCounters, result: RiderActionResult): void {
  counters.scans++;
  if (!result.commandReceived) {
    counters.unanswered++;
    return;
  }
  if (result.rttMs !== undefined) counters.rttMsTotal += result.rttMs;
  if (result.action === 'open') counters.opened++;
  else {
    counters.denied++;
    const reason = result.reason ?? 'UNSPECIFIED';
    counters.deniedByReason[reason] = (counters.deniedByReason[reason] ?? 0) + 1;
  }
  if (result.passage === 'walkedThrough' || result.passage === 'tailgated' || result.passage === 'boarded') counters.passages++;
  if (result.passage === 'tailgated') counters.tailgates++;
  if (result.passage === 'walkedAway') counters.walkAways++;
  if (result.passage === 'boarded') counters.boardings++;
}
