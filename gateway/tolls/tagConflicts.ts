/**
 * Cloned tags (docs/tolls.md, "Cloned tags"): one tag id read at two sites further apart than a
 * vehicle can drive in the time between cannot be one vehicle. On a road, one vehicle's reads are
 * pairwise possible (a vehicle that could drive each stretch could drive them all), so the
 * registered vehicle's reads are a set with no impossible pair in it, and a clone's reads are
 * what has to be taken out to leave such a set. A pure function of one tag's reads:
 *
 * 1. every impossible pair is a conflict;
 * 2. while conflicts remain, take out the read with the most of them, first among reads the camera
 *    did not match to the registered plate, and only then among those it did (ties: the later read);
 * 3. put back every read taken out that conflicts with none left (in time order).
 *
 * What stays out is attributed to a clone. Plausible driving has no conflict, so nothing of it is
 * ever taken out; a read that conflicts with none of the vehicle's reads is never taken out either.
 */
export interface TagRead {
  id: string;
  passedAt: number;
  /** The road the site is on (the site's line) and its position along it; null: unknown. */
  road: string | null;
  km: number | null;
  /** A confident camera read of the vehicle's registered plate went with the tag read. */
  plateMatches: boolean;
}

export interface TagConflictRules {
  /** Fastest a vehicle is taken to drive between two sites, km/h. */
  maxSpeedKmh: number;
  /** Clocks of two lanes may disagree by this much: added to every gap. */
  clockSlackMs: number;
}

/** Two reads one vehicle cannot both have made, and how fast it would have had to drive between them. */
export interface TagConflict {
  /** The read attributed to a clone. */
  cloneReadId: string;
  /** The registered vehicle's read it conflicts with (the nearest in time). */
  vehicleReadId: string;
  distanceKm: number;
  gapMs: number;
  /** null when both reads are at the same instant. */
  speedKmh: number | null;
}

const MS_PER_HOUR = 3_600_000;

function distanceKm(a: TagRead, b: TagRead): number | null {
  if (a.road === null || b.road === null || a.road !== b.road || a.km === null || b.km === null) return null;
  return Math.abs(a.km - b.km);
}

/** One vehicle can make both reads: the distance between them fits in the gap (plus clock slack) at the speed limit. */
export function possiblePair(a: TagRead, b: TagRead, rules: TagConflictRules): boolean {
  const km = distanceKm(a, b);
  if (km === null) return true;
  return km <= (rules.maxSpeedKmh * (Math.abs(b.passedAt - a.passedAt) + rules.clockSlackMs)) / MS_PER_HOUR;
}

export function conflictOf(cloneRead: TagRead, vehicleRead: TagRead): TagConflict {
  const gapMs = Math.abs(cloneRead.passedAt - vehicleRead.passedAt);
  const km = distanceKm(cloneRead, vehicleRead) ?? 0;
  return { cloneReadId: cloneRead.id, vehicleReadId: vehicleRead.id, distanceKm: km, gapMs, speedKmh: gapMs === 0 ? null : Math.round((km / gapMs) * MS_PER_HOUR) };
}

const byTime = (a: TagRead, b: TagRead) => a.passedAt - b.passedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The reads of one tag attributed to a clone, each with the vehicle's read it cannot be reconciled with. */
export function cloneReads(reads: readonly TagRead[], rules: TagConflictRules): TagConflict[] {
  const sorted = [...reads].sort(byTime);
  const conflicts = sorted.map(() => new Set<number>());
  for (let a = 0; a < sorted.length; a++) {
    for (let b = a + 1; b < sorted.length; b++) {
      if (!possiblePair(sorted[a], sorted[b], rules)) {
        conflicts[a].add(b);
        conflicts[b].add(a);
      }
    }
  }
  const out = new Set<number>();
  for (;;) {
    let pick = -1;
    for (let index = 0; index < sorted.length; index++) {
      if (out.has(index) || conflicts[index].size === 0) continue;
      if (pick < 0 || takenOutBefore(sorted[index], conflicts[index].size, sorted[pick], conflicts[pick].size)) pick = index;
    }
    if (pick < 0) break;
    out.add(pick);
    for (const other of conflicts[pick]) conflicts[other].delete(pick);
  }
  // A read taken out that no read left conflicts with is the vehicle's after all.
  for (const index of [...out].sort((a, b) => a - b)) {
    if (sorted.every((other, at) => out.has(at) || possiblePair(sorted[index], other, rules))) out.delete(index);
  }
  return [...out].sort((a, b) => a - b).map((index) => {
    const read = sorted[index];
    const vehicleReads = sorted.filter((other, at) => !out.has(at) && !possiblePair(read, other, rules));
    const nearest = vehicleReads.sort((x, y) => Math.abs(x.passedAt - read.passedAt) - Math.abs(y.passedAt - read.passedAt))[0];
    return conflictOf(read, nearest);
  });
}

/** Unmatched plates first, then the most conflicts, then the later read. */
function takenOutBefore(read: TagRead, count: number, than: TagRead, thanCount: number): boolean {
  if (read.plateMatches !== than.plateMatches) return !read.plateMatches;
  if (count !== thanCount) return count > thanCount;
  return byTime(read, than) > 0;
}
