import type { TollPassageRecord } from '../../protocol/toll.js';
import type { TrackAssessment } from './assessTrack.js';
import type { VehicleTrack } from './vehicleTrack.js';

export interface TollSiteIdentity {
  laneId: string;
  stationId: string;
  siteKind: 'plaza' | 'gantry';
}

/** The passage a closed track becomes (protocol/toll.ts TollPassageRecord); its id is the track's. */
export function tollPassageOf(track: VehicleTrack, assessment: TrackAssessment, site: TollSiteIdentity, laneSeq: number, decidedAt: number, passedAt: number): TollPassageRecord {
  const { plate, vehicle } = assessment;
  return {
    id: track.id,
    laneId: site.laneId,
    laneSeq,
    stationId: site.stationId,
    lane: track.lane,
    mode: 'toll',
    siteKind: site.siteKind,
    direction: track.direction,
    tokenId: vehicle?.tokenId ?? null,
    tagId: track.obu?.tagId ?? null,
    plate: plate?.plate ?? null,
    plateColour: plate?.colour ?? null,
    plateConfidence: plate?.confidence ?? null,
    imageRef: plate?.imageRef ?? null,
    vehicleClass: assessment.vehicleClass,
    declaredClass: track.obu?.declaredClass ?? null,
    entry: track.obu?.entry ?? null,
    exceptions: assessment.exceptions,
    action: track.action ?? 'record',
    decidedAt,
    passedAt,
    trustStale: track.trustStale,
  };
}
