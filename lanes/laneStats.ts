import type { LaneActivity } from '../protocol/laneApi.js';
import type { LaneConfig } from './config.js';
import type { DeviceRegistry, DeviceState } from './handlers/deviceRegistry.js';
import type { LaneCounters } from './handlers/laneCounters.js';
import type { HotStore } from './hotstate/hotStore.js';
import { ResilientHotStore } from './hotstate/resilientHotStore.js';
import type { OutboxForwarder } from './outbox/forwarder.js';
import type { OutboxStore } from './outbox/outboxStore.js';
import type { TrustCopy } from './trust/trustCopy.js';
import type { TrustSync } from './trust/trustSync.js';
import type { CredentialCache } from './validation/credentialCache.js';

/** A lane's state at a glance: what LaneController.stats() returns and the status messages carry. */
export interface LaneStats {
  siteId: string;
  decisions: { opened: number; denied: number; passed: number; timedOut: number; expired: number };
  /** The last minute's decisions and their latency. */
  activity: LaneActivity;
  deniedByReason: Record<string, number>;
  invalidMessages: number;
  duplicateScans: number;
  duplicatePassages: number;
  unmatchedPassages: number;
  handlerErrors: number;
  faults: number;
  duplicateMessages: number;
  unknownDevices: number;
  /** Toll lanes: passages by lane exception, vehicles not made a second passage, vehicles no device read. */
  toll: { exceptions: Record<string, number>; duplicateVehicles: number; unreadVehicles: number };
  trustVersion: number;
  trustAgeMs: number | null;
  trustStale: boolean;
  outboxBacklog: number;
  outboxRejected: number;
  outboxSendFailures: number;
  journalSeq: number;
  hotStoreDegraded: boolean;
  credentialCache: { size: number; hits: number; misses: number };
  devices: DeviceState[];
}

export interface LaneStatsSources {
  config: LaneConfig;
  nowMs: number;
  counters: LaneCounters;
  trust: TrustCopy;
  trustSync?: TrustSync;
  outbox?: OutboxStore;
  forwarder?: OutboxForwarder;
  hotStore?: HotStore;
  cache: CredentialCache;
  devices: DeviceRegistry;
}

export function laneStats(sources: LaneStatsSources): LaneStats {
  const { counters, outbox, trustSync } = sources;
  return {
    siteId: sources.config.siteId,
    decisions: { opened: counters.opened, denied: counters.denied, passed: counters.passed, timedOut: counters.timedOut, expired: counters.expired },
    activity: counters.recent.summary(sources.nowMs),
    deniedByReason: { ...counters.deniedByReason },
    invalidMessages: counters.invalidMessages,
    duplicateScans: counters.duplicateScans,
    duplicatePassages: counters.duplicatePassages,
    unmatchedPassages: counters.unmatchedPassages,
    handlerErrors: counters.handlerErrors,
    faults: counters.faults,
    duplicateMessages: counters.duplicateMessages,
    unknownDevices: counters.unknownDevices,
    toll: { exceptions: { ...counters.tollExceptions }, duplicateVehicles: counters.duplicateVehicles, unreadVehicles: counters.unreadVehicles },
    trustVersion: sources.trust.version,
    trustAgeMs: trustSync?.ageMs() ?? null,
    trustStale: trustSync?.isStale() ?? true,
    outboxBacklog: outbox?.backlog() ?? 0,
    outboxRejected: outbox?.rejectedCount() ?? 0,
    outboxSendFailures: sources.forwarder?.failures ?? 0,
    journalSeq: outbox?.lastSeq() ?? 0,
    hotStoreDegraded: sources.hotStore instanceof ResilientHotStore ? sources.hotStore.degraded : false,
    credentialCache: { size: sources.cache.size, hits: sources.cache.hits, misses: sources.cache.misses },
    devices: sources.devices.all(),
  };
}
