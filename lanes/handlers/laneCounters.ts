import { DecisionWindow } from '../status/decisionWindow.js';

/** Counters a lane reports in its status and LaneReport. */
export class LaneCounters {
  opened = 0;
  denied = 0;
  passed = 0;
  timedOut = 0;
  expired = 0;
  invalidMessages = 0;
  duplicateScans = 0;
  duplicatePassages = 0;
  unmatchedPassages = 0;
  faults = 0;
  handlerErrors = 0;
  /** Device messages taken before (QoS 1 redelivery): answered again, never decided twice. */
  duplicateMessages = 0;
  /** Messages from a device id the lane's configuration does not name (or in another lane). */
  unknownDevices = 0;
  /** Toll: the same vehicle again within the duplicate window, not made a second passage. */
  duplicateVehicles = 0;
  /** Toll: the loop counted a vehicle no device read. */
  unreadVehicles = 0;
  readonly deniedByReason: Record<string, number> = {};
  /** Toll: passages recorded with each lane exception. */
  readonly tollExceptions: Record<string, number> = {};
  /** The last minute's decisions and their latency (LaneReport activity). */
  readonly recent = new DecisionWindow();

  /** `latencyUs`: from the device's event reaching the lane to the command going out, when timed. */
  countDecision(action: 'open' | 'deny', reason: string | undefined, timing: { at: number; latencyUs?: number }): void {
    this.recent.record(timing.at, timing.latencyUs);
    if (action === 'open') {
      this.opened++;
      return;
    }
    this.denied++;
    if (reason) this.deniedByReason[reason] = (this.deniedByReason[reason] ?? 0) + 1;
  }

  /** Denials decided before this process started and not yet reported (a restarted lane's journal), by reason. */
  addDenials(byReason: Record<string, number>): void {
    for (const [reason, count] of Object.entries(byReason)) {
      this.denied += count;
      this.deniedByReason[reason] = (this.deniedByReason[reason] ?? 0) + count;
    }
  }
}
