/**
 * What the tariff engine prices: one leg of a rider's travel, from transit (a metro trip, a bus
 * boarding) or tolls (entry and exit of a closed road, one open gantry), and the rider's earlier
 * legs that caps and transfers look at.
 */
export interface FareLeg {
  /** The journey id: orders legs that start at the same millisecond. */
  id: string;
  operatorId: string;
  mode: string;
  /** single: a boarding or a gantry, priced on its own; trip: an entry and an exit. */
  kind: 'trip' | 'single';
  status: 'complete' | 'no_exit' | 'no_entry';
  entryStationId?: string;
  exitStationId?: string;
  startedAt: number;
  /** 0 adult, 1 child, 2 student, 3 senior, 4 disabled (from the credential). */
  fareClass: number;
  /** Tolls: the vehicle class read at the lane; transit legs leave it to the tariff's default. */
  vehicleClass?: string;
  /** Why an incomplete journey is incomplete, in words, for the fare sentence. */
  incompleteReason?: string;
}

/** An earlier leg as pricing sees it: when and what it was charged, and how. */
export interface PricedLeg {
  id: string;
  operatorId: string;
  mode: string;
  status: FareLeg['status'];
  startedAt: number;
  fareMinor: number;
  /** The transfer line of its breakdown, if it was itself a discounted transfer. */
  transfer?: { chainStartJourneyId: string; chainStartedAt: number; transferNumber: number };
}

/** Legs in the order pricing folds them: by start, then id. */
export function compareLegs(a: Pick<FareLeg, 'startedAt' | 'id'>, b: Pick<FareLeg, 'startedAt' | 'id'>): number {
  if (a.startedAt !== b.startedAt) return a.startedAt - b.startedAt;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
