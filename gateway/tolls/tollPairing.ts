import type { TollException } from '../../protocol/toll.js';
import { comparePassages } from '../journeys/pairing.js';

/**
 * Pairing of one vehicle's toll passages into trips (docs/tolls.md, "Trips"): a pure function of
 * the passages and the time, so the result depends on when each passage happened, never on the
 * order lanes forwarded them. Passages are taken in (passedAt, id) order:
 *
 *   plaza entry, then plaza exit   -> a closed-road trip; gantries between them are its path
 *   plaza entry, then plaza entry  -> the first is no_exit (its exit was never recorded)
 *   plaza entry, nothing after     -> open, or no_exit once older than the missing-exit timeout
 *                                     (a gantry passage after the timeout also closes it)
 *   gantry, not inside a trip      -> an open-road trip; the next gantry within the gap joins it
 *   exit with no entry open        -> waits unpairedExitHoldMs from its arrival for a late entry
 *                                     (with the gantry run that led to it), then no_entry; that
 *                                     run is its path, not charged on its own
 *   entry diverted at the barrier  -> no trip: the vehicle never entered the road
 */
export interface TollPairingPassage {
  id: string;
  stationId: string;
  siteKind: 'plaza' | 'gantry';
  direction: 'entry' | 'exit' | 'pass';
  action: 'lift' | 'divert' | 'record';
  passedAt: number;
  receivedAt: number;
  vehicleClass: string;
  tagId: string | null;
  exceptions: TollException[];
  /** Exit lanes: the entry written in the tag. */
  entry: { site: string; at: number } | null;
}

export interface TollPairingRules {
  nowMs: number;
  missingExitTimeoutMs: number;
  unpairedExitHoldMs: number;
  /** Longest gap between two gantry passages of one open-road trip, by the tariff of the later one. */
  gantryGapMs(passage: TollPairingPassage): number;
}

export interface TollTrip {
  /** The passage the trip is named after: its entry, its first gantry, or a lone exit. */
  anchor: TollPairingPassage;
  kind: 'closed' | 'open_road';
  status: 'open' | 'complete' | 'no_exit' | 'no_entry';
  entry?: TollPairingPassage;
  exit?: TollPairingPassage;
  /** Gantry passages in time order: the path of a closed-road trip, the segments of an open-road one. */
  gantries: TollPairingPassage[];
  missing?: 'next_entry' | 'timeout' | 'no_entry';
}

export interface TollPairing {
  trips: TollTrip[];
  /** Lone exits waiting for a late entry, and the gantry runs that led to them. */
  waiting: TollPairingPassage[];
  /** Entries diverted at the barrier: recorded, part of no trip. */
  ignored: TollPairingPassage[];
}

export function pairTollPassages(passages: readonly TollPairingPassage[], rules: TollPairingRules): TollPairing {
  const trips: TollTrip[] = [];
  const waiting: TollPairingPassage[] = [];
  const ignored: TollPairingPassage[] = [];
  let open: { entry: TollPairingPassage; gantries: TollPairingPassage[] } | undefined;
  let run: TollPairingPassage[] = [];
  const closeRun = () => {
    if (run.length) trips.push({ anchor: run[0], kind: 'open_road', status: 'complete', gantries: run });
    run = [];
  };
  const runReaches = (passage: TollPairingPassage) => run.length > 0 && passage.passedAt - run[run.length - 1].passedAt <= rules.gantryGapMs(passage);

  for (const passage of [...passages].sort(comparePassages)) {
    if (passage.direction === 'entry' && passage.action === 'divert') {
      ignored.push(passage);
      continue;
    }
    if (open && passage.direction === 'pass' && passage.passedAt - open.entry.passedAt >= rules.missingExitTimeoutMs) {
      trips.push({ anchor: open.entry, kind: 'closed', status: 'no_exit', entry: open.entry, gantries: open.gantries, missing: 'timeout' });
      open = undefined;
    }
    if (passage.direction === 'entry') {
      closeRun();
      if (open) trips.push({ anchor: open.entry, kind: 'closed', status: 'no_exit', entry: open.entry, gantries: open.gantries, missing: 'next_entry' });
      open = { entry: passage, gantries: [] };
    } else if (passage.direction === 'pass') {
      if (open) open.gantries.push(passage);
      else if (runReaches(passage)) run.push(passage);
      else {
        closeRun();
        run = [passage];
      }
    } else if (open) {
      trips.push({ anchor: open.entry, kind: 'closed', status: 'complete', entry: open.entry, exit: passage, gantries: open.gantries });
      open = undefined;
    } else {
      const path = runReaches(passage) ? run : [];
      if (!path.length) closeRun();
      run = [];
      if (rules.nowMs - passage.receivedAt >= rules.unpairedExitHoldMs) {
        trips.push({ anchor: passage, kind: 'closed', status: 'no_entry', exit: passage, gantries: path, missing: 'no_entry' });
      } else waiting.push(...path, passage);
    }
  }
  closeRun();
  if (open) {
    const timedOut = rules.nowMs - open.entry.passedAt >= rules.missingExitTimeoutMs;
    trips.push({ anchor: open.entry, kind: 'closed', status: timedOut ? 'no_exit' : 'open', entry: open.entry, gantries: open.gantries, ...(timedOut ? { missing: 'timeout' as const } : {}) });
  }
  return { trips, waiting, ignored };
}

/** Every passage of a trip. */
export function passagesOfTrip(trip: TollTrip): TollPairingPassage[] {
  return [trip.entry, ...trip.gantries, trip.exit].filter((passage): passage is TollPairingPassage => passage !== undefined);
}

/** The class a trip is priced by: the highest class any of its passages carried (docs/tolls.md). */
export function tripVehicleClass(trip: TollTrip): string {
  return passagesOfTrip(trip).map((passage) => passage.vehicleClass).sort((a, b) => Number(b) - Number(a))[0] ?? '1';
}
