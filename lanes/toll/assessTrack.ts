import { normalisePlate, OBU_CLONE_DENY_REASON, TOLL_EXCEPTION_CODES, type PlateRead, type TollException } from '../../protocol/toll.js';
import type { RegisteredVehicle, TrustCopy } from '../trust/trustCopy.js';
import { confidentPlate, evidencePlate, type VehicleTrack } from './vehicleTrack.js';

/** What the lane makes of a vehicle's reads so far (docs/deny-reasons.md, "Toll lane exceptions"). */
export interface TrackAssessment {
  /** The account the tag, else the plate, maps to; null when neither is registered. */
  vehicle: RegisteredVehicle | null;
  exceptions: TollException[];
  /** The class the toll is priced by: registered, else declared by the tag, else "1". */
  vehicleClass: string;
  plate: PlateRead | undefined;
}

export interface AssessOptions {
  minConfidence: number;
  /** The lane's camera was offline: a missing plate read is that, not TAG_NO_PLATE. */
  cameraOffline: boolean;
}

/** Pure: the same reads and trust copy always give the same exceptions, in TOLL_EXCEPTIONS order. */
export function assessTrack(track: VehicleTrack, trust: TrustCopy, options: AssessOptions): TrackAssessment {
  const exceptions = new Set<TollException>(track.flags);
  const confident = confidentPlate(track, options.minConfidence);
  const byTag = track.obu ? trust.vehicleOfTag(track.obu.tagId) : undefined;
  const byPlate = confident ? trust.vehicleOfPlate(confident.plate) : undefined;
  const vehicle = byTag ?? byPlate ?? null;
  const { obu } = track;
  if (obu) {
    if (obu.tampered) exceptions.add('TAG_TAMPERED');
    if (!byTag) exceptions.add('TAG_UNREGISTERED');
    if (byTag && byTag.vehicleClass !== obu.declaredClass) exceptions.add('CLASS_MISMATCH');
    if (confident) {
      if (normalisePlate(confident.plate) !== normalisePlate(obu.tagPlate)) exceptions.add('PLATE_MISMATCH');
    } else if (track.plates.length > 0) exceptions.add('LOW_CONFIDENCE');
    else if (!options.cameraOffline) exceptions.add('TAG_NO_PLATE');
    if (track.direction === 'exit' && !obu.entry) exceptions.add('MISSING_ENTRY');
  } else if (track.plates.length > 0) {
    exceptions.add('PLATE_ONLY');
    if (!confident) exceptions.add('LOW_CONFIDENCE');
    else if (!byPlate) exceptions.add('PLATE_UNREGISTERED');
  }
  // "Deny-listed tag or plate": either account being on the deny list is enough. A token denied
  // because its tag was cloned refuses the tag, with its own code; its plate alone still passes.
  const tagReason = byTag && trust.denyReason(byTag.tokenId);
  const plateReason = byPlate && trust.denyReason(byPlate.tokenId);
  if (tagReason === OBU_CLONE_DENY_REASON) exceptions.add('OBU_CLONE_SUSPECTED');
  else if (tagReason) exceptions.add('DENY_LISTED');
  if (plateReason && plateReason !== OBU_CLONE_DENY_REASON) exceptions.add('DENY_LISTED');
  return {
    vehicle,
    exceptions: TOLL_EXCEPTION_CODES.filter((code) => exceptions.has(code)),
    vehicleClass: vehicle?.vehicleClass ?? obu?.declaredClass ?? '1',
    plate: evidencePlate(track, options.minConfidence),
  };
}

/** Exceptions for which a barrier stays down, the first found being the reason shown: the driver is sent to the attendant lane. */
export const REFUSED_AT_BARRIER: readonly TollException[] = ['OBU_CLONE_SUSPECTED', 'DENY_LISTED', 'TAG_TAMPERED', 'TAG_UNREGISTERED'];

export function refusedAtBarrier(assessment: TrackAssessment): TollException | undefined {
  return REFUSED_AT_BARRIER.find((code) => assessment.exceptions.includes(code));
}
