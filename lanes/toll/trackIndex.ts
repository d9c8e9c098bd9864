import { confidentPlate, isAlive, type VehicleTrack } from './vehicleTrack.js';

/**
 * The alive vehicle tracks of a site, indexed the ways fusion looks for them: by tag, by plate
 * (the tag's and any confident read), and per physical lane those still lacking a tag read or a
 * confident plate read. A gantry under heavy traffic holds thousands of tracks within one fusion
 * window; a read must not scan them all. Insertion order is age order (oldest first).
 */
export class TrackIndex {
  private readonly byId = new Map<string, VehicleTrack>();
  private readonly tags = new Map<string, VehicleTrack>();
  private readonly plates = new Map<string, VehicleTrack>();
  private readonly lanes = new Map<string, Set<VehicleTrack>>();
  private readonly noObu = new Map<string, Set<VehicleTrack>>();
  private readonly noPlate = new Map<string, Set<VehicleTrack>>();

  constructor(private readonly minConfidence: number) {}

  get size(): number {
    return this.byId.size;
  }

  values(): VehicleTrack[] {
    return [...this.byId.values()];
  }

  get(id: string): VehicleTrack | undefined {
    return this.byId.get(id);
  }

  /** Add a track, or index it again after a read joined it. */
  put(track: VehicleTrack): void {
    if (!isAlive(track)) return this.remove(track);
    this.byId.set(track.id, track);
    setOf(this.lanes, track.lane).add(track);
    if (track.obu) {
      if (!this.tags.has(track.obu.tagId)) this.tags.set(track.obu.tagId, track);
      if (!this.plates.has(track.obu.tagPlate)) this.plates.set(track.obu.tagPlate, track);
      this.noObu.get(track.lane)?.delete(track);
    } else setOf(this.noObu, track.lane).add(track);
    const plate = confidentPlate(track, this.minConfidence);
    if (plate) {
      if (!this.plates.has(plate.plate)) this.plates.set(plate.plate, track);
      this.noPlate.get(track.lane)?.delete(track);
    } else setOf(this.noPlate, track.lane).add(track);
  }

  remove(track: VehicleTrack): void {
    this.byId.delete(track.id);
    this.lanes.get(track.lane)?.delete(track);
    this.noObu.get(track.lane)?.delete(track);
    this.noPlate.get(track.lane)?.delete(track);
    if (track.obu && this.tags.get(track.obu.tagId) === track) this.tags.delete(track.obu.tagId);
    for (const plate of [track.obu?.tagPlate, ...track.plates.map((read) => read.plate)]) if (plate && this.plates.get(plate) === track) this.plates.delete(plate);
  }

  byTag(tagId: string): VehicleTrack | undefined {
    return this.tags.get(tagId);
  }

  /** The track whose tag holds this plate, or that has it as a confident read. */
  byPlate(plate: string): VehicleTrack | undefined {
    return this.plates.get(plate);
  }

  /** A lane's alive tracks, oldest first. */
  inLane(lane: string): Iterable<VehicleTrack> {
    return this.lanes.get(lane) ?? [];
  }

  withoutObu(lane: string): Iterable<VehicleTrack> {
    return this.noObu.get(lane) ?? [];
  }

  withoutConfidentPlate(lane: string): Iterable<VehicleTrack> {
    return this.noPlate.get(lane) ?? [];
  }
}

function setOf(map: Map<string, Set<VehicleTrack>>, lane: string): Set<VehicleTrack> {
  let set = map.get(lane);
  if (!set) map.set(lane, (set = new Set()));
  return set;
}
