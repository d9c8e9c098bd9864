import { DENY_REASONS } from '../../protocol/denyReasons.js';
import { PROTOCOL_VERSION, type GateCommand, type LaneDecision, type ScanEvent } from '../../protocol/messages.js';
import { topics } from '../../protocol/topics.js';
import type { StoredDecision } from '../journal/journal.js';
import { decodeFrame } from '../validation/frameDecoder.js';
import type { ScanDecision } from '../validation/scanDecider.js';
import type { DeviceEventHandler, LaneContext } from './laneContext.js';

const OPEN_MESSAGE = 'Please pass';

/**
 * A scan: decide, journal the decision, then command the gate (docs/protocol.md, "Scan").
 * Idempotent on msgId: a redelivered scan gets the same command again, not a second decision.
 */
export class ScanHandler implements DeviceEventHandler<ScanEvent> {
  // Scans being decided right now, so a redelivery that arrives mid-decision waits for the first.
  private readonly inFlight = new Map<string, Promise<void>>();

  async handle(context: LaneContext, deviceId: string, scan: ScanEvent, receivedAtNs: bigint): Promise<void> {
    const flightKey = `${deviceId}\n${scan.msgId}`;
    const earlier = this.inFlight.get(flightKey);
    if (earlier) {
      await earlier;
      this.resend(context, deviceId, scan);
      return;
    }
    if (this.resend(context, deviceId, scan)) return;
    const deciding = this.decideAndCommand(context, deviceId, scan, receivedAtNs);
    this.inFlight.set(flightKey, deciding);
    try {
      await deciding;
    } finally {
      this.inFlight.delete(flightKey);
    }
  }

  /** Publish the journaled command of an already decided scan again; false if there is none. */
  private resend(context: LaneContext, deviceId: string, scan: ScanEvent): boolean {
    const existing = context.journal.findByMessage(deviceId, scan.msgId);
    if (!existing) return false;
    context.counters.duplicateScans++;
    context.publish(topics.gateCommand(context.config.siteId, deviceId), existing.command, { qos: 1 });
    return true;
  }

  private async decideAndCommand(context: LaneContext, deviceId: string, scan: ScanEvent, receivedAtNs: bigint): Promise<void> {
    const { config, clock } = context;
    const decidedAt = clock.now();
    let decision: ScanDecision;
    const text = scan.code ?? (scan.frame ? decodeFrame(scan.frame) : undefined);
    if (text === undefined) decision = { action: 'deny', reason: 'FRAME_UNREADABLE', trustStale: false };
    else decision = await context.decider.decide(text, scan.direction, decidedAt);
    const now = clock.now();
    const decisionId = context.ids();
    const command: GateCommand = {
      v: PROTOCOL_VERSION,
      msgId: context.ids(),
      ts: now,
      replyTo: scan.msgId,
      decisionId,
      action: decision.action,
      ...(decision.reason ? { reason: decision.reason } : {}),
      message: decision.reason ? DENY_REASONS[decision.reason] : OPEN_MESSAGE,
      expiresAt: now + config.commandTtlMs,
      ...(decision.action === 'open' ? { openForMs: config.gateOpenForMs } : {}),
    };
    const credential = decision.code?.credential;
    const record: StoredDecision = {
      id: decisionId,
      deviceId,
      msgId: scan.msgId,
      tokenId: credential?.tokenId ?? null,
      keyId: credential?.keyId ?? null,
      fareClass: credential?.fareClass ?? null,
      direction: scan.direction,
      action: decision.action,
      reason: decision.reason ?? null,
      decidedAt,
      trustStale: decision.trustStale,
      command,
      state: decision.action === 'open' ? 'awaiting' : 'denied',
    };
    // Journal first: no gate opens without a record of why (design section 5).
    context.journal.record(record);
    context.publish(topics.gateCommand(config.siteId, deviceId), command, { qos: 1 });
    const latencyUs = Number(process.hrtime.bigint() - receivedAtNs) / 1000;
    context.counters.countDecision(decision.action, decision.reason, { at: now, latencyUs });
    const monitor: LaneDecision = {
      v: PROTOCOL_VERSION,
      ts: now,
      site: config.siteId,
      device: deviceId,
      decisionId,
      direction: scan.direction,
      action: decision.action,
      ...(decision.reason ? { reason: decision.reason } : {}),
      latencyUs,
    };
    context.publish(topics.laneDecision(config.siteId), monitor, { qos: 0 });
  }
}
