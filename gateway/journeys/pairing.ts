import type { Direction } from '../../protocol/messages.js';

/**
 * Pairing of one token's passages into journeys: a pure function of the passages and the time,
 * so the result depends on when each passage happened (passedAt), never on the order in which
 * lanes forwarded them. Passages are taken in (passedAt, id) order:
 *
 *   board                    -> a single journey (bus), priced at once
 *   entry, then exit         -> complete
 *   entry, then entry        -> the first is no_exit (its exit was never recorded)
 *   entry, nothing after     -> open, or no_exit once older than the missing-exit timeout
 *   exit with no entry open  -> waits unpairedExitHoldMs from its arrival for a late entry,
 *                               then no_entry
 *
 * An exit always closes what came before it, so a new passage can only change journeys from
 * the last exit before it onwards (see reconcileToken.ts).
 */
export type JourneyStatus = 'open' | 'complete' | 'no_exit' | 'no_entry';

export interface PairingPassage {
  id: string;
  direction: Direction;
  stationId: string;
  mode: string;
  passedAt: number;
  receivedAt: number;
  /** From the credential; pricing gives concessions by it (absent: 0, adult). */
  fareClass?: number;
}

export interface PairingRules {
  nowMs: number;
  missingExitTimeoutMs: number;
  unpairedExitHoldMs: number;
}

export interface PairedJourney {
  /** The passage the journey is named after: its entry, its board, or a lone exit. */
  anchor: PairingPassage;
  kind: 'trip' | 'single';
  status: JourneyStatus;
  entry?: PairingPassage;
  exit?: PairingPassage;
  /** Why an incomplete journey is incomplete. */
  missing?: 'next_entry' | 'timeout' | 'no_entry';
}

export interface Pairing {
  journeys: PairedJourney[];
  /** Exits still waiting for a late entry. */
  waitingExits: PairingPassage[];
}

export function comparePassages(a: Pick<PairingPassage, 'passedAt' | 'id'>, b: Pick<PairingPassage, 'passedAt' | 'id'>): number {
  if (a.passedAt !== b.passedAt) return a.passedAt - b.passedAt;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function pairPassages(passages: readonly PairingPassage[], rules: PairingRules): Pairing {
  const journeys: PairedJourney[] = [];
  const waitingExits: PairingPassage[] = [];
  let open: PairingPassage | undefined;
  for (const passage of [...passages].sort(comparePassages)) {
    if (passage.direction === 'board') {
      journeys.push({ anchor: passage, kind: 'single', status: 'complete', entry: passage });
    } else if (passage.direction === 'entry') {
      if (open) journeys.push({ anchor: open, kind: 'trip', status: 'no_exit', entry: open, missing: 'next_entry' });
      open = passage;
    } else if (open) {
      journeys.push({ anchor: open, kind: 'trip', status: 'complete', entry: open, exit: passage });
      open = undefined;
    } else if (rules.nowMs - passage.receivedAt >= rules.unpairedExitHoldMs) {
      journeys.push({ anchor: passage, kind: 'trip', status: 'no_entry', exit: passage, missing: 'no_entry' });
    } else {
      waitingExits.push(passage);
    }
  }
  if (open) {
    const timedOut = rules.nowMs - open.passedAt >= rules.missingExitTimeoutMs;
    journeys.push(timedOut ? { anchor: open, kind: 'trip', status: 'no_exit', entry: open, missing: 'timeout' } : { anchor: open, kind: 'trip', status: 'open', entry: open });
  }
  return { journeys, waitingExits };
}
