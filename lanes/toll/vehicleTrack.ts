import type { ObuRead, PlateRead, TollException } from '../../protocol/toll.js';
import type { BarrierCommand } from '../../protocol/toll.js';

/**
 * open: reads are being fused (free-flow lanes);
 * lifted: the barrier was told to lift, waiting for the loop to see the vehicle clear;
 * cleared: the loop saw it clear, waiting out the window for a late plate read;
 * diverted: refused at a barrier, recorded when its window closes;
 * recorded: its passage is in the outbox; expired: lifted but never cleared (nobody charged);
 * duplicate: the same vehicle already passed within the duplicate window (no second passage).
 */
export type TrackState = 'open' | 'lifted' | 'cleared' | 'diverted' | 'recorded' | 'expired' | 'duplicate';

export const ALIVE_STATES: readonly TrackState[] = ['open', 'lifted', 'cleared', 'diverted'];

/** One vehicle in one physical lane, as the lane controller fuses its reads. Its id is the passage id. */
export interface VehicleTrack {
  id: string;
  lane: string;
  direction: 'entry' | 'exit' | 'pass';
  state: TrackState;
  /** Lane clock when the first message of this vehicle arrived: its window runs from here. */
  openedAt: number;
  /** Device time of the first read, for fusing later reads by their own read time. */
  firstReadAt: number;
  obu: ObuRead | null;
  plates: PlateRead[];
  /** Loop cycles (occupied then clear) counted for this vehicle. */
  loopCycles: number;
  /** Barrier lanes: when the lift or divert was decided. */
  decidedAt: number | null;
  action: 'lift' | 'divert' | 'record' | null;
  /** Barrier lanes: when the loop saw the vehicle clear. */
  passedAt: number | null;
  /** Exceptions noted while fusing (the rest follow from the reads when it is recorded). */
  flags: TollException[];
  trustStale: boolean;
  /** The hot-store duplicate check: true when this vehicle already passed within the duplicate window. */
  seenBefore: boolean | null;
  /** The last barrier command, sent again if the read that caused it is delivered again. */
  command: BarrierCommand | null;
}

export function newTrack(fields: Pick<VehicleTrack, 'id' | 'lane' | 'direction' | 'openedAt' | 'firstReadAt' | 'trustStale'>): VehicleTrack {
  return { ...fields, state: 'open', obu: null, plates: [], loopCycles: 0, decidedAt: null, action: null, passedAt: null, flags: [], seenBefore: null, command: null };
}

export function flag(track: VehicleTrack, code: TollException): void {
  if (!track.flags.includes(code)) track.flags.push(code);
}

export function isAlive(track: VehicleTrack): boolean {
  return ALIVE_STATES.includes(track.state);
}

/** The plate read the lane trusts most: the most confident at or above the threshold, else none. */
export function confidentPlate(track: VehicleTrack, minConfidence: number): PlateRead | undefined {
  return track.plates.filter((read) => read.confidence >= minConfidence).sort((a, b) => b.confidence - a.confidence)[0];
}

/** The read kept as evidence: the confident one, else the best of the low-confidence ones. */
export function evidencePlate(track: VehicleTrack, minConfidence: number): PlateRead | undefined {
  return confidentPlate(track, minConfidence) ?? [...track.plates].sort((a, b) => b.confidence - a.confidence)[0];
}

/** Who the vehicle is for the duplicate check: its tag, else its confidently read plate. */
export function vehicleKey(track: VehicleTrack, minConfidence: number): string | undefined {
  if (track.obu) return `tag:${track.obu.tagId}`;
  const plate = confidentPlate(track, minConfidence);
  return plate ? `plate:${plate.plate}` : undefined;
}
