import { z } from 'zod';
import { DENY_REASON_CODES } from './denyReasons.js';
import { MAX_CODE_TEXT_CHARS } from './ridecode/format.js';

/**
 * MQTT payload schemas, version 1 (docs/protocol.md, "Messages"). Every message carries its
 * own id and device timestamp: MQTT packet ids are not identities, QoS 1 redelivers, and every
 * handler is idempotent on msgId.
 */
export const PROTOCOL_VERSION = 1;
export const MAX_PAYLOAD_BYTES = 1_048_576;

const envelope = {
  v: z.literal(PROTOCOL_VERSION),
  msgId: z.string().min(1).max(64),
  ts: z.number().int().nonnegative(),
};

export const Direction = z.enum(['entry', 'exit', 'board']);
export type Direction = z.infer<typeof Direction>;

export const CameraFrame = z.object({
  width: z.number().int().min(16).max(1920),
  height: z.number().int().min(16).max(1080),
  format: z.literal('gray8'),
  data: z.string().max(Math.ceil((1920 * 1080 * 4) / 3) + 4),
});
export type CameraFrame = z.infer<typeof CameraFrame>;

// The code is bounded here at twice the verifier's limit: an oversized code still reaches the
// verifier, which denies it as CODE_TOO_LARGE rather than as a malformed message.
export const ScanEvent = z
  .object({ ...envelope, direction: Direction, code: z.string().max(MAX_CODE_TEXT_CHARS * 8).optional(), frame: CameraFrame.optional() })
  .refine((scan) => (scan.code === undefined) !== (scan.frame === undefined), { message: 'exactly one of code or frame' });
export type ScanEvent = z.infer<typeof ScanEvent>;

export const PassageEvent = z.object({
  ...envelope,
  decisionId: z.string().min(1).max(64),
  outcome: z.enum(['passed', 'timeout']),
  /** People counted through the gate for this opening; more than 1 is a tailgate. */
  count: z.number().int().min(0).max(20).optional(),
});
export type PassageEvent = z.infer<typeof PassageEvent>;

/** Gate devices, then the toll devices of plazas and gantries (toll.ts TollDeviceKind). */
export const DeviceKind = z.enum(['turnstile', 'validator', 'rsu', 'camera', 'loop', 'barrier', 'display']);
export type DeviceKind = z.infer<typeof DeviceKind>;

export const HeartbeatEvent = z.object({ ...envelope, kind: DeviceKind, uptimeS: z.number().nonnegative().optional(), firmware: z.string().max(64).optional() });
export type HeartbeatEvent = z.infer<typeof HeartbeatEvent>;

export const FaultEvent = z.object({
  ...envelope,
  code: z.string().min(1).max(64),
  severity: z.enum(['info', 'warning', 'critical']),
  detail: z.string().max(500).optional(),
});
export type FaultEvent = z.infer<typeof FaultEvent>;

/** Retained on {device}/status; the device's last will sets online=false. */
export const DeviceStatus = z.object({ v: z.literal(PROTOCOL_VERSION), ts: z.number().int().nonnegative(), online: z.boolean(), kind: DeviceKind.optional() });
export type DeviceStatus = z.infer<typeof DeviceStatus>;

export const GateCommand = z.object({
  ...envelope,
  /** msgId of the scan this answers. */
  replyTo: z.string().min(1).max(64),
  /** The decision id; the passage, when confirmed, carries the same id from here on. */
  decisionId: z.string().min(1).max(64),
  action: z.enum(['open', 'deny']),
  reason: z.enum(DENY_REASON_CODES as [string, ...string[]]).optional(),
  /** Text for the gate's display. */
  message: z.string().max(80),
  /** Unix ms after which the device must ignore this command. */
  expiresAt: z.number().int().nonnegative(),
  /** How long the gate stays open waiting for the rider, ms. */
  openForMs: z.number().int().positive().optional(),
});
export type GateCommand = z.infer<typeof GateCommand>;

/**
 * The lane has journaled a device's passage report (or had it already): the device may forget it.
 * Until then the device keeps the report and sends it again (same msgId) every few seconds and
 * after every reconnect, so a broker that dies after acknowledging it to the device loses nothing.
 */
export const EventAck = z.object({ ...envelope, replyTo: z.string().min(1).max(64) });
export type EventAck = z.infer<typeof EventAck>;

/** Published by a lane controller for monitors (the gateway's live page), QoS 0. */
export const LaneDecision = z.object({
  v: z.literal(PROTOCOL_VERSION),
  ts: z.number().int(),
  site: z.string(),
  device: z.string(),
  decisionId: z.string(),
  direction: Direction,
  action: z.enum(['open', 'deny']),
  reason: z.string().optional(),
  latencyUs: z.number().nonnegative(),
});
export type LaneDecision = z.infer<typeof LaneDecision>;

/** Retained on _lane/status; the lane's last will sets online=false. */
export const LaneStatus = z.object({
  v: z.literal(PROTOCOL_VERSION),
  ts: z.number().int(),
  site: z.string(),
  online: z.boolean(),
  trustVersion: z.number().int().nonnegative().optional(),
  trustAgeMs: z.number().nonnegative().nullable().optional(),
  outboxBacklog: z.number().int().nonnegative().optional(),
  hotStoreDegraded: z.boolean().optional(),
});
export type LaneStatus = z.infer<typeof LaneStatus>;
