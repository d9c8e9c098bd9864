import type { Clock } from '../../protocol/clock.js';
import type { IdGenerator } from '../../protocol/ids.js';
import { PROTOCOL_VERSION } from '../../protocol/messages.js';
import type { BarrierCommand, BarrierState, DisplayCommand, LoopEvent, ObuRead, PlateRead } from '../../protocol/toll.js';
import { topics } from '../../protocol/topics.js';
import type { LaneConfig } from '../config.js';
import type { LaneCounters } from '../handlers/laneCounters.js';
import type { HotStore } from '../hotstate/hotStore.js';
import type { LaneLogger } from '../log.js';
import type { TrustCopy } from '../trust/trustCopy.js';
import { assessTrack, refusedAtBarrier } from './assessTrack.js';
import { divertLines, liftLines } from './laneDisplay.js';
import type { TollDevices } from './tollDevices.js';
import type { DeviceMessage, TollJournal } from './tollJournal.js';
import type { TollLaneConfig } from './tollLaneConfig.js';
import { tollPassageOf } from './tollPassage.js';
import { TrackIndex } from './trackIndex.js';
import { confidentPlate, flag, isAlive, newTrack, vehicleKey, type VehicleTrack } from './vehicleTrack.js';

export interface TollSiteDeps {
  config: LaneConfig;
  clock: Clock;
  ids: IdGenerator;
  logger: LaneLogger;
  journal: TollJournal;
  trust: TrustCopy;
  devices: TollDevices;
  hotStore: HotStore;
  counters: LaneCounters;
  isTrustStale(): boolean;
  publish(topic: string, payload: object, options: { qos: 0 | 1; retain?: boolean }): void;
  onPassageRecorded(): void;
}

type Outgoing = [topic: string, payload: BarrierCommand | DisplayCommand];

// Message ids are kept this long: far past any QoS 1 redelivery after a restart.
const MESSAGE_RETENTION_MS = 24 * 3600_000;
const PRUNE_INTERVAL_MS = 3600_000;
// A vehicle's track keeps this many plate reads; more add nothing but size.
const MAX_PLATE_READS = 5;

/**
 * One toll site (a plaza or a gantry): fuses the OBU, plate and loop messages of each vehicle in
 * each physical lane into a track, decides barriers on the OBU read alone, and turns each track
 * into one passage when it is done (docs/protocol.md, "Toll lanes and gantries"). Every handler
 * journals what it changed before anything is published; tick() closes windows and expires
 * vehicles that never cleared.
 */
export class TollSite {
  private readonly tracks: TrackIndex;
  /** Gantry lanes: loop cycles seen before any read of their vehicle, by lane clock. */
  private readonly pendingCycles = new Map<string, number[]>();
  private lastPruneAt = 0;

  constructor(private readonly deps: TollSiteDeps) {
    this.tracks = new TrackIndex(deps.config.tollPlateMinConfidence);
  }

  get tickIntervalMs(): number {
    return Math.max(10, Math.min(100, Math.floor(this.deps.config.tollFusionWindowMs / 5)));
  }

  /** Tracks a lane had alive when it stopped (or crashed) go on where they were. */
  restore(): number {
    for (const track of this.deps.journal.aliveTracks()) this.tracks.put(track);
    return this.tracks.size;
  }

  aliveTracks(): VehicleTrack[] {
    return this.tracks.values();
  }

  handleObu(deviceId: string, read: ObuRead): void {
    const lane = this.laneOf(deviceId, 'rsu', read.lane, read.msgId);
    if (!lane) return;
    const now = this.deps.clock.now();
    const message = { deviceId, msgId: read.msgId };
    if (this.redelivered(message, now)) return;
    let track = this.tracks.byTag(read.tagId);
    // A roadside unit reads a passing tag several times: the first read stands. Read in another
    // lane too (a vehicle straddling two lanes), it is still one vehicle.
    if (track && track.lane !== read.lane) flag(track, 'DUPLICATE_READ');
    if (!track) {
      track =
        this.inWindow(this.tracks.withoutObu(read.lane), read.readAt, (candidate) => candidate.state !== 'cleared' && [undefined, read.tagPlate].includes(confidentPlate(candidate, this.minConfidence)?.plate)) ??
        this.open(lane, read.readAt, now);
      track.obu = read;
      this.tracks.put(track);
      this.checkDuplicate(track);
    }
    const outgoing = this.isBarrierLane(lane) && track.decidedAt === null ? this.decide(track, lane, now) : [];
    this.deps.journal.save([track], message, now);
    this.send(outgoing);
  }

  handlePlate(deviceId: string, read: PlateRead): void {
    const lane = this.laneOf(deviceId, 'camera', read.lane, read.msgId);
    if (!lane) return;
    const now = this.deps.clock.now();
    const message = { deviceId, msgId: read.msgId };
    if (this.redelivered(message, now)) return;
    const confident = read.confidence >= this.minConfidence;
    let track = confident ? this.tracks.byPlate(read.plate) : undefined;
    if (track && track.lane !== read.lane) flag(track, 'DUPLICATE_READ');
    track ??= this.inWindow(this.tracks.withoutConfidentPlate(read.lane), read.readAt, (candidate) => this.stillInLane(candidate, read.readAt));
    track ??= this.open(lane, read.readAt, now);
    const hadKey = vehicleKey(track, this.minConfidence) !== undefined;
    if (track.plates.length < MAX_PLATE_READS) track.plates.push(read);
    this.tracks.put(track);
    if (!hadKey) this.checkDuplicate(track);
    // A vehicle without a tag at a barrier: video toll, lifted on the plate read.
    const outgoing = this.isBarrierLane(lane) && track.decidedAt === null ? this.decide(track, lane, now) : [];
    this.deps.journal.save([track], message, now);
    this.send(outgoing);
  }

  handleLoop(deviceId: string, event: LoopEvent): void {
    const lane = this.laneOf(deviceId, 'loop', event.lane, event.msgId);
    if (!lane) return;
    const now = this.deps.clock.now();
    const message = { deviceId, msgId: event.msgId };
    if (this.redelivered(message, now)) return;
    // A cycle ends on clear: that is when a vehicle has left the loop.
    if (event.state === 'occupied') return this.deps.journal.save([], message, now);
    const outgoing: Outgoing[] = [];
    let track: VehicleTrack | undefined;
    if (this.isBarrierLane(lane)) {
      track = this.oldest(lane.lane, (candidate) => candidate.state === 'lifted');
      if (track) {
        track.state = 'cleared';
        track.passedAt = this.plausible(event.at, now);
        track.loopCycles++;
        if (!this.oldest(lane.lane, (candidate) => candidate.state === 'lifted')) outgoing.push(this.barrierCommand(lane, 'lower', track.id, now));
      } else {
        // Over the loop with no lift of its own: it followed the last vehicle through.
        track = this.open(lane, event.at, now);
        Object.assign(track, { state: 'cleared', action: 'record', decidedAt: now, passedAt: this.plausible(event.at, now), loopCycles: 1 });
        flag(track, 'TWO_VEHICLES_ONE_READ');
      }
    } else {
      const open = (candidate: VehicleTrack) => candidate.state === 'open' && now - candidate.openedAt <= this.window;
      track = this.oldest(lane.lane, (candidate) => open(candidate) && candidate.loopCycles === 0) ?? this.newest(lane.lane, open);
      if (track) track.loopCycles++;
      else this.pendingCycles.set(lane.lane, [...(this.pendingCycles.get(lane.lane) ?? []), now]);
    }
    this.deps.journal.save(track ? [track] : [], message, now);
    this.send(outgoing);
  }

  handleBarrierState(deviceId: string, state: BarrierState): void {
    const lane = this.laneOf(deviceId, 'barrier', state.lane, state.msgId);
    if (lane && state.state === 'fault') this.deps.logger.error('toll.barrier_fault', { deviceId, lane: lane.lane });
  }

  /** Close what is due: free-flow windows, cleared and diverted vehicles, lifts nobody drove through. */
  tick(now = this.deps.clock.now()): void {
    for (const track of this.tracks.values()) {
      try {
        this.advance(track, now);
      } catch (error) {
        this.deps.counters.handlerErrors++;
        this.deps.logger.error('toll.close_failed', { track: track.id, error: String(error) });
      }
    }
    for (const [lane, cycles] of this.pendingCycles) {
      const fresh = cycles.filter((at) => now - at <= this.window);
      this.deps.counters.unreadVehicles += cycles.length - fresh.length;
      if (fresh.length > 0) this.pendingCycles.set(lane, fresh);
      else this.pendingCycles.delete(lane);
    }
    if (now - this.lastPruneAt >= PRUNE_INTERVAL_MS) {
      this.lastPruneAt = now;
      this.deps.journal.pruneMessages(now - MESSAGE_RETENTION_MS);
    }
  }

  private advance(track: VehicleTrack, now: number): void {
    const windowClosed = now - track.openedAt >= this.window;
    switch (track.state) {
      case 'open':
        if (windowClosed) this.finish(track, now);
        return;
      case 'cleared':
        // A vehicle with its tag and a confident plate is complete; otherwise a late plate read may still join.
        if (windowClosed || (track.obu && confidentPlate(track, this.minConfidence))) this.finish(track, now);
        return;
      case 'diverted':
        if (windowClosed) this.finish(track, now);
        return;
      case 'lifted':
        if (now - (track.decidedAt ?? track.openedAt) >= this.deps.config.tollClearTimeoutMs) this.expire(track, now);
        return;
      default:
        this.tracks.remove(track);
    }
  }

  private finish(track: VehicleTrack, now: number): void {
    const lane = this.deps.devices.lanes.get(track.lane);
    this.noteOffline(track, lane, now);
    if (track.loopCycles > 1) flag(track, 'TWO_VEHICLES_ONE_READ');
    if (track.seenBefore) flag(track, 'DUPLICATE_READ');
    if (track.seenBefore && track.state === 'open') {
      // Free flow: the vehicle already has its passage here; a second would charge it twice.
      this.tracks.remove(track);
      this.deps.journal.close(track, 'duplicate', now);
      this.deps.counters.duplicateVehicles++;
      return;
    }
    const assessment = assessTrack(track, this.deps.trust, { minConfidence: this.minConfidence, cameraOffline: track.flags.includes('DEVICE_OFFLINE') });
    if (track.decidedAt === null) track.trustStale = this.deps.isTrustStale();
    const decidedAt = track.decidedAt ?? now;
    const readAt = track.obu?.readAt ?? assessment.plate?.readAt;
    const passedAt = track.passedAt ?? (track.state === 'diverted' ? decidedAt : readAt === undefined ? now : this.plausible(readAt, now));
    const { config } = this.deps;
    const site = { laneId: config.siteId, stationId: config.stationId, siteKind: config.tollSiteKind };
    const passage = this.deps.journal.record(track, (laneSeq) => tollPassageOf(track, assessment, site, laneSeq, decidedAt, passedAt), now);
    this.tracks.remove(track);
    this.deps.counters.passed++;
    for (const code of passage.exceptions) this.deps.counters.tollExceptions[code] = (this.deps.counters.tollExceptions[code] ?? 0) + 1;
    this.deps.onPassageRecorded();
  }

  private expire(track: VehicleTrack, now: number): void {
    this.tracks.remove(track);
    this.deps.journal.close(track, 'expired', now);
    this.deps.counters.expired++;
    const lane = this.deps.devices.lanes.get(track.lane);
    if (lane && !this.oldest(lane.lane, (candidate) => candidate.state === 'lifted')) this.send([this.barrierCommand(lane, 'lower', track.id, now)]);
  }

  /** Barrier lanes decide on the first read of a vehicle: lift now, or keep it down and say why. */
  private decide(track: VehicleTrack, lane: TollLaneConfig, now: number): Outgoing[] {
    const assessment = assessTrack(track, this.deps.trust, { minConfidence: this.minConfidence, cameraOffline: false });
    const refusal = refusedAtBarrier(assessment);
    track.decidedAt = now;
    track.trustStale = this.deps.isTrustStale();
    if (refusal) {
      track.state = 'diverted';
      track.action = 'divert';
      this.deps.counters.countDecision('deny', refusal, { at: now });
      return lane.devices.display ? [this.displayCommand(lane, divertLines(refusal), now)] : [];
    }
    track.state = 'lifted';
    track.action = 'lift';
    this.deps.counters.countDecision('open', undefined, { at: now });
    const lift = this.barrierCommand(lane, 'lift', track.id, now);
    track.command = lift[1] as BarrierCommand;
    const plate = track.obu?.tagPlate ?? assessment.plate?.plate;
    return [lift, ...(lane.devices.display ? [this.displayCommand(lane, liftLines(plate, assessment.vehicleClass), now)] : [])];
  }

  private barrierCommand(lane: TollLaneConfig, action: BarrierCommand['action'], decisionId: string, now: number): Outgoing {
    const command: BarrierCommand = { v: PROTOCOL_VERSION, msgId: this.deps.ids(), ts: now, lane: lane.lane, action, decisionId, expiresAt: now + this.deps.config.commandTtlMs };
    return [topics.barrierCommand(this.deps.config.siteId, lane.devices.barrier!), command];
  }

  private displayCommand(lane: TollLaneConfig, lines: string[], now: number): Outgoing {
    const command: DisplayCommand = { v: PROTOCOL_VERSION, msgId: this.deps.ids(), ts: now, lane: lane.lane, lines, expiresAt: now + this.deps.config.commandTtlMs };
    return [topics.displayCommand(this.deps.config.siteId, lane.devices.display!), command];
  }

  private send(outgoing: Outgoing[]): void {
    for (const [topic, payload] of outgoing) this.deps.publish(topic, payload, { qos: 1 });
  }

  private open(lane: TollLaneConfig, firstReadAt: number, now: number): VehicleTrack {
    const track = newTrack({ id: this.deps.ids(), lane: lane.lane, direction: lane.direction, openedAt: now, firstReadAt, trustStale: false });
    this.noteOffline(track, lane, now);
    const pending = this.pendingCycles.get(lane.lane);
    if (pending?.length) {
      pending.shift();
      track.loopCycles++;
    }
    this.tracks.put(track);
    return track;
  }

  /** A roadside unit or camera of the lane offline: the passage says so (the other device carries the lane). */
  private noteOffline(track: VehicleTrack, lane: TollLaneConfig | undefined, now: number): void {
    if (!lane) return;
    if (this.deps.devices.isOffline(lane.devices.rsu, now) || this.deps.devices.isOffline(lane.devices.camera, now)) flag(track, 'DEVICE_OFFLINE');
  }

  /** Ask the hot store whether this vehicle passed here within the duplicate window (shared by the duplicate group). */
  private checkDuplicate(track: VehicleTrack): void {
    const key = vehicleKey(track, this.minConfidence);
    if (!key || track.seenBefore !== null) return;
    const { config } = this.deps;
    const claimKey = `tolldup:${config.tollDuplicateGroup ?? config.siteId}:${track.direction}:${key}`;
    this.deps.hotStore.claimCode(claimKey, config.tollDuplicateWindowS * 1000).then(
      (first) => {
        if (!isAlive(track) || track.seenBefore !== null) return;
        track.seenBefore = !first;
        if (!first) this.deps.journal.save([track], undefined, this.deps.clock.now());
      },
      (error: unknown) => this.deps.logger.warn('toll.duplicate_check_failed', { track: track.id, error: String(error) }),
    );
  }

  /** A message taken before (QoS 1 redelivery): send a lift that is still current again, decide nothing. */
  private redelivered(message: DeviceMessage, now: number): boolean {
    const trackId = this.deps.journal.messageTrack(message);
    if (trackId === undefined) return false;
    this.deps.counters.duplicateMessages++;
    const track = trackId ? this.tracks.get(trackId) : undefined;
    const lane = track && this.deps.devices.lanes.get(track.lane);
    if (track?.state === 'lifted' && track.command && track.command.expiresAt > now && lane?.devices.barrier) {
      this.deps.publish(topics.barrierCommand(this.deps.config.siteId, lane.devices.barrier), track.command, { qos: 1 });
    }
    return true;
  }

  private laneOf(deviceId: string, kind: 'rsu' | 'camera' | 'loop' | 'barrier', lane: string, msgId: string): TollLaneConfig | undefined {
    const device = this.deps.devices.device(deviceId, kind);
    if (!device || device.lane.lane !== lane) {
      this.deps.counters.unknownDevices++;
      this.deps.counters.invalidMessages++;
      this.deps.logger.warn('toll.unknown_device', { deviceId, kind, lane, msgId, why: device ? `configured for lane ${device.lane.lane}` : `not a ${kind} of this site` });
      return undefined;
    }
    this.deps.devices.seen(deviceId, this.deps.clock.now(), kind);
    return device.lane;
  }

  /** The oldest of these tracks whose first read lies within the fusion window of readAt. */
  private inWindow(candidates: Iterable<VehicleTrack>, readAt: number, match: (track: VehicleTrack) => boolean): VehicleTrack | undefined {
    for (const track of candidates) if (isAlive(track) && Math.abs(readAt - track.firstReadAt) <= this.window && match(track)) return track;
    return undefined;
  }

  /** A vehicle the loop saw leave before this read was taken cannot be the one read. */
  private stillInLane(track: VehicleTrack, readAt: number): boolean {
    return track.state !== 'cleared' || track.passedAt === null || readAt <= track.passedAt;
  }

  private oldest(lane: string, match: (track: VehicleTrack) => boolean): VehicleTrack | undefined {
    for (const track of this.tracks.inLane(lane)) if (isAlive(track) && match(track)) return track;
    return undefined;
  }

  private newest(lane: string, match: (track: VehicleTrack) => boolean): VehicleTrack | undefined {
    let found: VehicleTrack | undefined;
    for (const track of this.tracks.inLane(lane)) if (isAlive(track) && match(track)) found = track;
    return found;
  }

  private isBarrierLane(lane: TollLaneConfig): boolean {
    return lane.devices.barrier !== undefined;
  }

  /** The device's own time when plausible (not ahead of the lane beyond the skew tolerance), else the lane's. */
  private plausible(deviceAt: number, now: number): number {
    return deviceAt <= now + this.deps.config.clockSkewToleranceS * 1000 ? deviceAt : now;
  }

  private get window(): number {
    return this.deps.config.tollFusionWindowMs;
  }

  private get minConfidence(): number {
    return this.deps.config.tollPlateMinConfidence;
  }
}
