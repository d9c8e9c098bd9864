import { z } from 'zod';
import { DeviceKind, Direction } from './messages.js';
import { ID_PATTERN } from './topics.js';

/**
 * The HTTP API between lane controllers and the gateway (docs/protocol.md, "Lane API").
 *
 *   POST /api/lane/v1/passages       PassageBatch -> PassageBatchResult
 *   POST /api/lane/v1/toll-passages  TollPassageBatch (toll.ts) -> PassageBatchResult
 *   GET  /api/lane/v1/trust?since=N  -> TrustChanges (keys and deny list, versioned deltas)
 *   POST /api/lane/v1/status         LaneReport -> 204
 *   GET  /api/lane/v1/journal-days   and POST: a lane's journal per business day, for settlement (journalDays.ts)
 *
 * Trust deltas are also pushed on MQTT topic tp/1/_trust/delta as TrustChange messages; a lane
 * applies a pushed delta only if it is the next version, and otherwise catches up over HTTP.
 */
export const LANE_API_PREFIX = '/api/lane/v1';
export const MAX_PASSAGES_PER_BATCH = 1000;

export const Mode = z.enum(['metro', 'bus']);
export type Mode = z.infer<typeof Mode>;

const siteId = z.string().regex(ID_PATTERN);

export const PassageRecord = z.object({
  /** Created by the lane at decision time (UUIDv7); the one id of this passage everywhere. */
  id: z.string().uuid(),
  laneId: siteId,
  /** Gap-free sequence of confirmed passages per lane, from 1. */
  laneSeq: z.number().int().positive(),
  stationId: siteId,
  deviceId: siteId,
  mode: Mode,
  direction: Direction,
  tokenId: z.string().regex(/^[0-9a-f]{32}$/),
  keyId: z.number().int().nonnegative(),
  fareClass: z.number().int().nonnegative(),
  decidedAt: z.number().int().nonnegative(),
  passedAt: z.number().int().nonnegative(),
  /** More than one person went through on this opening. */
  tailgate: z.boolean().default(false),
  /** The lane's trust copy was older than its staleness limit when it decided. */
  trustStale: z.boolean().default(false),
});
export type PassageRecord = z.infer<typeof PassageRecord>;

export const PassageBatch = z.object({
  laneId: siteId,
  passages: z.array(PassageRecord).min(1).max(MAX_PASSAGES_PER_BATCH),
});
export type PassageBatch = z.infer<typeof PassageBatch>;

export const PassageBatchResult = z.object({
  /** Ids now stored, including ones stored by an earlier attempt. */
  accepted: z.array(z.string()),
  /** Ids refused for good, with a reason (the lane keeps them and alerts; it does not retry). */
  rejected: z.array(z.object({ id: z.string(), code: z.string(), message: z.string() })),
});
export type PassageBatchResult = z.infer<typeof PassageBatchResult>;

/** What a lane controller serves: gates of a metro station, a bus's validators, or a toll plaza or gantry. */
export const LaneMode = z.enum(['metro', 'bus', 'toll']);
export type LaneMode = z.infer<typeof LaneMode>;

export const TrustChange = z.discriminatedUnion('kind', [
  z.object({
    version: z.number().int().positive(),
    at: z.number().int(),
    kind: z.literal('key.add'),
    keyId: z.number().int().nonnegative(),
    algorithm: z.string(),
    publicKey: z.string(),
    validFromS: z.number().int(),
    validUntilS: z.number().int(),
  }),
  z.object({ version: z.number().int().positive(), at: z.number().int(), kind: z.literal('key.revoke'), keyId: z.number().int().nonnegative() }),
  z.object({ version: z.number().int().positive(), at: z.number().int(), kind: z.literal('deny.add'), tokenId: z.string(), reason: z.string() }),
  z.object({ version: z.number().int().positive(), at: z.number().int(), kind: z.literal('deny.remove'), tokenId: z.string() }),
  /**
   * A registered vehicle (tolls): its tag and plate map to the account credential tokenId, which
   * deny.add / deny.remove name like any other. A vehicle added again replaces the earlier entry.
   */
  z.object({
    version: z.number().int().positive(),
    at: z.number().int(),
    kind: z.literal('vehicle.add'),
    tokenId: z.string(),
    tagId: z.string().nullable(),
    plate: z.string(),
    vehicleClass: z.string(),
  }),
  z.object({ version: z.number().int().positive(), at: z.number().int(), kind: z.literal('vehicle.remove'), tokenId: z.string() }),
]);
export type TrustChange = z.infer<typeof TrustChange>;

export const TrustChanges = z.object({
  /** The newest version the gateway has; a lane is current when it has applied up to here. */
  version: z.number().int().nonnegative(),
  changes: z.array(TrustChange),
});
export type TrustChanges = z.infer<typeof TrustChanges>;

export const MAX_REPORTED_DEVICES = 500;

/**
 * Decisions a lane took in its last windowS seconds, and the time from a device's event reaching
 * the lane to its command going out (p50 and p99, ms; null with no decision or no timing, as at toll sites).
 */
export const LaneActivity = z.object({
  windowS: z.number().int().positive(),
  decisions: z.number().int().nonnegative(),
  latencyP50Ms: z.number().nonnegative().nullable(),
  latencyP99Ms: z.number().nonnegative().nullable(),
});
export type LaneActivity = z.infer<typeof LaneActivity>;

/** One device as its lane knows it: from heartbeats, events, faults and its retained status. */
export const LaneDeviceReport = z.object({
  deviceId: siteId,
  kind: DeviceKind.optional(),
  /** The device's retained status (its last will says false); absent until it has sent one. */
  online: z.boolean().optional(),
  /** Lane time of the device's latest heartbeat, status or event. */
  lastSeenAt: z.number().int(),
  lastFault: z.object({ code: z.string().max(64), severity: z.string().max(16), at: z.number().int() }).optional(),
});
export type LaneDeviceReport = z.infer<typeof LaneDeviceReport>;

export const LaneReport = z.object({
  laneId: siteId,
  stationId: siteId,
  mode: LaneMode,
  ts: z.number().int(),
  trustVersion: z.number().int().nonnegative(),
  /** Time since the lane last confirmed it was current with the gateway; null if never. */
  trustAgeMs: z.number().nonnegative().nullable(),
  outboxBacklog: z.number().int().nonnegative(),
  /** Highest lane sequence recorded in the journal. */
  journalSeq: z.number().int().nonnegative(),
  decisions: z.object({ opened: z.number().int(), denied: z.number().int(), passed: z.number().int(), timedOut: z.number().int() }),
  invalidMessages: z.number().int().nonnegative(),
  hotStoreDegraded: z.boolean(),
  /** Decisions of the last windowS seconds and how long they took (absent from lanes before it was added). */
  activity: LaneActivity.optional(),
  /** The devices the lane has heard from (absent from lanes before it was added). */
  devices: z.array(LaneDeviceReport).max(MAX_REPORTED_DEVICES).optional(),
  /**
   * Denials by deny reason (protocol/denyReasons.ts, and the toll lanes' refusals) since
   * countersSince. Optional: a lane that sends neither is still a valid lane; the gateway counts the
   * growth between a lane's reports into its deny-reason report, and all of it after a restart.
   */
  deniedByReason: z
    .record(z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/), z.number().int().nonnegative())
    .refine((counts) => Object.keys(counts).length <= 64, 'at most 64 deny reasons')
    .optional(),
  /** When the lane's counters started (its start time, lane clock): a new value means they restarted from zero. */
  countersSince: z.number().int().nonnegative().optional(),
});
export type LaneReport = z.infer<typeof LaneReport>;
