import { passageFingerprint } from '../../protocol/passageFingerprint.js';
import type { TollPassageRecord } from '../../protocol/toll.js';
import type { LaneDatabase } from '../journal/laneDatabase.js';
import type { TrackState, VehicleTrack } from './vehicleTrack.js';

export interface DeviceMessage {
  deviceId: string;
  msgId: string;
}

/**
 * The toll lane's journal (design section 5): every device message it takes and the vehicle
 * track it changed are written in one synchronous transaction before the handler returns, so
 * before MQTT.js acknowledges the message and before any barrier command leaves. A track
 * becomes a passage (outbox row, gap-free lane sequence) in the same transaction that closes it.
 */
export class TollJournal {
  private readonly statements;
  private readonly saveTx;
  private readonly recordTx;

  constructor(db: LaneDatabase) {
    this.statements = {
      message: db.prepare('SELECT track_id FROM toll_messages WHERE device_id = ? AND msg_id = ?'),
      takeMessage: db.prepare('INSERT INTO toll_messages (device_id, msg_id, track_id, at) VALUES (?, ?, ?, ?)'),
      upsertTrack: db.prepare(
        `INSERT INTO toll_tracks (id, lane, state, opened_at, track) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET state = excluded.state, track = excluded.track`,
      ),
      closeTrack: db.prepare('UPDATE toll_tracks SET state = ?, closed_at = ?, track = ? WHERE id = ?'),
      alive: db.prepare("SELECT track FROM toll_tracks WHERE state IN ('open', 'lifted', 'cleared', 'diverted') ORDER BY opened_at"),
      nextSeq: db.prepare('SELECT COALESCE(MAX(lane_seq), 0) + 1 AS seq FROM outbox'),
      append: db.prepare('INSERT INTO outbox (lane_seq, passage_id, record, passed_at, fingerprint) VALUES (?, ?, ?, ?, ?)'),
      prune: db.prepare('DELETE FROM toll_messages WHERE at < ?'),
    };
    this.saveTx = db.transaction((tracks: VehicleTrack[], message: DeviceMessage | undefined, at: number) => {
      if (message) this.statements.takeMessage.run(message.deviceId, message.msgId, tracks[0]?.id ?? null, at);
      for (const track of tracks) this.statements.upsertTrack.run(track.id, track.lane, track.state, track.openedAt, JSON.stringify(track));
    });
    this.recordTx = db.transaction((track: VehicleTrack, build: (laneSeq: number) => TollPassageRecord, at: number): TollPassageRecord => {
      const laneSeq = (this.statements.nextSeq.get() as { seq: number }).seq;
      const passage = build(laneSeq);
      track.state = 'recorded';
      this.statements.closeTrack.run('recorded', at, JSON.stringify(track), track.id);
      this.statements.append.run(laneSeq, passage.id, JSON.stringify(passage), passage.passedAt, passageFingerprint(passage));
      return passage;
    });
  }

  /** undefined: never taken; otherwise the track it went to (null for none). */
  messageTrack(message: DeviceMessage): string | null | undefined {
    const row = this.statements.message.get(message.deviceId, message.msgId) as { track_id: string | null } | undefined;
    return row ? row.track_id : undefined;
  }

  /** Take a message (at most once) and persist the tracks it changed; the first track is the one it went to. */
  save(tracks: VehicleTrack[], message: DeviceMessage | undefined, at: number): void {
    this.saveTx(tracks, message, at);
  }

  /** Close a track as a passage: state recorded and the outbox row, atomically. */
  record(track: VehicleTrack, build: (laneSeq: number) => TollPassageRecord, at: number): TollPassageRecord {
    const before = track.state;
    try {
      return this.recordTx(track, build, at);
    } catch (error) {
      track.state = before;
      throw error;
    }
  }

  /** Close a track without a passage (expired, duplicate). */
  close(track: VehicleTrack, state: Extract<TrackState, 'expired' | 'duplicate'>, at: number): void {
    track.state = state;
    this.statements.closeTrack.run(state, at, JSON.stringify(track), track.id);
  }

  /** Tracks still being fused or awaiting their loop, for a lane that restarts. */
  aliveTracks(): VehicleTrack[] {
    return (this.statements.alive.all() as { track: string }[]).map((row) => JSON.parse(row.track) as VehicleTrack);
  }

  /** Forget message ids older than the redelivery horizon. */
  pruneMessages(before: number): number {
    return this.statements.prune.run(before).changes;
  }
}
