import type { Site } from '../network/networkCatalog.js';
import { isDuplicateRead, paidByTag } from './tollExceptionRules.js';
import type { TollPairingPassage } from './tollPairing.js';

export interface PathStep {
  stationId: string;
  /** null for an inferred gantry: no passage was read there. */
  passageId: string | null;
  passedAt: number;
  inferred: boolean;
  /** Paid at the ETC price: read by the tag (an inferred gantry: both gantries around it were). */
  byTag: boolean;
  /** A read of the gantry just read: not a segment of its own. */
  duplicate: boolean;
}

/**
 * The missed-gantry rule (docs/tolls.md): a vehicle cannot get from one read gantry to the next
 * without passing the gantries between them on the road, so those are added to the path as
 * passed, flagged inferred, at the time of the read before them. Positions come from the sites
 * (km); the direction of travel is whichever way the reads go. For a closed-road trip the
 * entry and exit plazas bound the path too (fromKm, toKm), so it lists every gantry passed.
 */
export function inferPath(reads: readonly TollPairingPassage[], gantries: readonly Site[], fromKm: number | null, toKm: number | null): PathStep[] {
  const kmOf = new Map(gantries.map((gantry) => [gantry.id, gantry.km]));
  const between = (a: number | null | undefined, b: number | null | undefined): Site[] => {
    if (a === null || a === undefined || b === null || b === undefined || a === b) return [];
    const inside = gantries.filter((gantry) => gantry.km !== null && gantry.km > Math.min(a, b) && gantry.km < Math.max(a, b));
    return inside.sort((x, y) => (a < b ? x.km! - y.km! : y.km! - x.km!));
  };
  const out: PathStep[] = [];
  let previous: { stationId: string; km: number | null | undefined; passedAt: number; byTag: boolean } | undefined;
  if (fromKm !== null && reads.length) previous = { stationId: '', km: fromKm, passedAt: reads[0].passedAt, byTag: paidByTag(reads[0]) };
  const infer = (toKmOf: number | null | undefined, byTag: boolean) => {
    if (!previous) return;
    for (const gantry of between(previous.km, toKmOf)) out.push({ stationId: gantry.id, passageId: null, passedAt: previous.passedAt, inferred: true, byTag: previous.byTag && byTag, duplicate: false });
  };
  for (const read of reads) {
    const duplicate = isDuplicateRead(read) || previous?.stationId === read.stationId;
    const byTag = paidByTag(read);
    if (!duplicate) infer(kmOf.get(read.stationId), byTag);
    out.push({ stationId: read.stationId, passageId: read.id, passedAt: read.passedAt, inferred: false, byTag, duplicate });
    if (!duplicate) previous = { stationId: read.stationId, km: kmOf.get(read.stationId), passedAt: read.passedAt, byTag };
  }
  if (toKm !== null && previous) infer(toKm, previous.byTag);
  return out;
}
