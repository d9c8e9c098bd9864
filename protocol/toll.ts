import { z } from 'zod';
import { ID_PATTERN } from './topics.js';

/**
 * Toll sites over MQTT (docs/protocol.md, "Toll lanes and gantries"). A toll site is a barrier
 * plaza (entry and exit lanes of a closed road: roadside unit, plate camera, loop detector,
 * barrier and display per lane) or a free-flow gantry (roadside unit and camera per lane, no
 * barrier). Every device names the physical lane it covers; the lane controller fuses the reads
 * of one vehicle in one physical lane within a time window.
 *
 *   tp/1/{site}/{device}/evt/obu       roadside unit -> lane, QoS 1   ObuRead
 *   tp/1/{site}/{device}/evt/plate     plate camera  -> lane, QoS 1   PlateRead
 *   tp/1/{site}/{device}/evt/loop      loop detector -> lane, QoS 1   LoopEvent
 *   tp/1/{site}/{device}/evt/barrier   barrier       -> lane, QoS 1   BarrierState
 *   tp/1/{site}/{device}/cmd/barrier   lane -> barrier, QoS 1         BarrierCommand
 *   tp/1/{site}/{device}/cmd/display   lane -> display, QoS 1         DisplayCommand
 *
 * Heartbeats, faults and retained status with last will are as for gates (messages.ts), with
 * the device kinds below.
 */
const envelope = {
  v: z.literal(1),
  msgId: z.string().min(1).max(64),
  ts: z.number().int().nonnegative(),
};

export const TollDeviceKind = z.enum(['rsu', 'camera', 'loop', 'barrier', 'display']);
export type TollDeviceKind = z.infer<typeof TollDeviceKind>;

/** Physical lane at the site ("1", "2", ...), as printed on the gantry or booth. */
export const PhysicalLane = z.string().regex(/^[A-Za-z0-9]{1,8}$/);

/** Vehicle classes as the tariff engine keys them: "1" car ... "6" heavy goods (docs/tolls.md). */
export const VehicleClass = z.string().regex(/^[1-9]$/);
export type VehicleClass = z.infer<typeof VehicleClass>;

/** Plates are compared upper case, without spaces or dashes. */
export const Plate = z.string().regex(/^[A-Z0-9]{2,12}$/);
export const normalisePlate = (plate: string): string => plate.toUpperCase().replace(/[\s-]/g, '');

export const TagId = z.string().regex(/^[0-9A-F]{16}$/);

/** One OBU read by a roadside unit: what the tag says about itself. */
export const ObuRead = z.object({
  ...envelope,
  lane: PhysicalLane,
  tagId: TagId,
  /** The class written into the tag at issue. */
  declaredClass: VehicleClass,
  /** The plate written into the tag at issue. */
  tagPlate: Plate,
  /** Unix ms of the read at the antenna. */
  readAt: z.number().int().nonnegative(),
  rssiDbm: z.number().min(-120).max(0),
  /** The tag's anti-removal switch fired, or its authentication code did not verify. */
  tampered: z.boolean().default(false),
  /** Entry written into the tag by the entry lane of a closed road (absent if none). */
  entry: z.object({ site: z.string().regex(ID_PATTERN), at: z.number().int().nonnegative() }).optional(),
});
export type ObuRead = z.infer<typeof ObuRead>;

export const PlateColour = z.enum(['white', 'yellow', 'blue', 'green', 'black', 'other']);

/** One plate read by a camera. */
export const PlateRead = z.object({
  ...envelope,
  lane: PhysicalLane,
  plate: Plate,
  colour: PlateColour,
  /** 0 to 1; below the lane's threshold the read counts as no read. */
  confidence: z.number().min(0).max(1),
  /** Where the evidence image is kept (the camera's own store). */
  imageRef: z.string().min(1).max(200),
  readAt: z.number().int().nonnegative(),
});
export type PlateRead = z.infer<typeof PlateRead>;

/** A loop detector under the lane: occupied when a vehicle arrives over it, clear when it has left. */
export const LoopEvent = z.object({
  ...envelope,
  lane: PhysicalLane,
  state: z.enum(['occupied', 'clear']),
  at: z.number().int().nonnegative(),
});
export type LoopEvent = z.infer<typeof LoopEvent>;

export const BarrierPosition = z.enum(['up', 'down', 'moving', 'fault']);

/** A barrier reports each change of position. */
export const BarrierState = z.object({ ...envelope, lane: PhysicalLane, state: BarrierPosition, at: z.number().int().nonnegative() });
export type BarrierState = z.infer<typeof BarrierState>;

/** Lift for one vehicle (decisionId) or lower; a barrier ignores it after expiresAt. */
export const BarrierCommand = z.object({
  ...envelope,
  lane: PhysicalLane,
  action: z.enum(['lift', 'lower']),
  decisionId: z.string().min(1).max(64),
  expiresAt: z.number().int().nonnegative(),
});
export type BarrierCommand = z.infer<typeof BarrierCommand>;

/** Text for the lane's display (two lines), ignored after expiresAt. */
export const DisplayCommand = z.object({
  ...envelope,
  lane: PhysicalLane,
  lines: z.array(z.string().max(32)).min(1).max(2),
  expiresAt: z.number().int().nonnegative(),
});
export type DisplayCommand = z.infer<typeof DisplayCommand>;

/**
 * Lane exceptions of a toll passage (docs/deny-reasons.md, "Toll lane exceptions"). A passage
 * may carry several; the gateway prices and lists them, nothing is dropped.
 */
export const TOLL_EXCEPTIONS = {
  TAG_NO_PLATE: 'tag read, no plate read within the window',
  PLATE_ONLY: 'plate read, no tag: priced as a video toll',
  PLATE_MISMATCH: "the plate written in the tag differs from the camera's plate",
  CLASS_MISMATCH: "the tag's declared class differs from the registered class",
  DENY_LISTED: 'the tag or plate belongs to a deny-listed account',
  TAG_TAMPERED: 'the tag reported removal or failed authentication',
  TAG_UNREGISTERED: 'no registered vehicle has this tag',
  PLATE_UNREGISTERED: 'plate-only read of a plate no account has registered',
  DUPLICATE_READ: 'the same vehicle read again at this site within the duplicate window',
  TWO_VEHICLES_ONE_READ: 'the loop counted two vehicles for one set of reads',
  MISSING_ENTRY: 'exit lane: the vehicle carries no entry',
  DEVICE_OFFLINE: "one of the lane's devices was offline",
  LOW_CONFIDENCE: 'only plate reads below the confidence threshold',
  OBU_CLONE_SUSPECTED: 'the tag is deny-listed as cloned: it was read at two sites further apart than a vehicle can drive in the time between',
} as const;
export type TollException = keyof typeof TOLL_EXCEPTIONS;

/**
 * The deny-list reason the gateway gives a vehicle token whose tag it found cloned (docs/tolls.md,
 * "Cloned tags"): a lane then refuses reads of that tag with OBU_CLONE_SUSPECTED, not DENY_LISTED.
 */
export const OBU_CLONE_DENY_REASON = 'OBU_CLONE_SUSPECTED';
export const TOLL_EXCEPTION_CODES = Object.keys(TOLL_EXCEPTIONS) as TollException[];
export const TollExceptionCode = z.enum(TOLL_EXCEPTION_CODES as [TollException, ...TollException[]]);

const siteId = z.string().regex(ID_PATTERN);

/**
 * A confirmed toll passage, as the lane forwards it (POST /api/lane/v1/toll-passages). Barrier
 * lanes confirm on the loop detector (the vehicle has cleared the barrier); free-flow gantries
 * when the vehicle's window closes. The account credential (tokenId) is the one the lane's copy
 * of the vehicle list maps the tag, or else the plate, to; null when neither is registered.
 */
export const TollPassageRecord = z.object({
  id: z.string().uuid(),
  laneId: siteId,
  laneSeq: z.number().int().positive(),
  /** The plaza or gantry (a site of the network). */
  stationId: siteId,
  /** Physical lane at the site. */
  lane: PhysicalLane,
  mode: z.literal('toll'),
  siteKind: z.enum(['plaza', 'gantry']),
  /** entry / exit lane of a plaza; pass at a free-flow gantry. */
  direction: z.enum(['entry', 'exit', 'pass']),
  tokenId: z.string().regex(/^[0-9a-f]{32}$/).nullable(),
  tagId: TagId.nullable(),
  plate: Plate.nullable(),
  plateColour: PlateColour.nullable(),
  plateConfidence: z.number().min(0).max(1).nullable(),
  imageRef: z.string().max(200).nullable(),
  /** The class the toll is priced by: registered, else declared by the tag, else "1" with CLASS_MISMATCH or PLATE_ONLY noted. */
  vehicleClass: VehicleClass,
  declaredClass: VehicleClass.nullable(),
  /** Exit lanes: the entry the tag carried. */
  entry: z.object({ site: siteId, at: z.number().int().nonnegative() }).nullable(),
  exceptions: z.array(TollExceptionCode),
  /** Lifted (barrier lanes) or recorded (gantries) on acceptance; denied vehicles at a barrier are diverted and recorded too. */
  action: z.enum(['lift', 'divert', 'record']),
  decidedAt: z.number().int().nonnegative(),
  passedAt: z.number().int().nonnegative(),
  trustStale: z.boolean().default(false),
});
export type TollPassageRecord = z.infer<typeof TollPassageRecord>;

export const MAX_TOLL_PASSAGES_PER_BATCH = 1000;

export const TollPassageBatch = z.object({
  laneId: siteId,
  passages: z.array(TollPassageRecord).min(1).max(MAX_TOLL_PASSAGES_PER_BATCH),
});
export type TollPassageBatch = z.infer<typeof TollPassageBatch>;
