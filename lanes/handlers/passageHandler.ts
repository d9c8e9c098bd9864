import { PROTOCOL_VERSION, type EventAck, type PassageEvent } from '../../protocol/messages.js';
import { topics } from '../../protocol/topics.js';
import type { DeviceEventHandler, LaneContext } from './laneContext.js';

/**
 * A device's word on an opening: passed (charge it) or timed out (nobody charged). The journal
 * and outbox change in one synchronous transaction, before MQTT.js acknowledges the message, so
 * a confirmed passage survives a crash right after. Idempotent: a redelivery changes nothing.
 * Every report is acknowledged once journaled (cmd/ack), the device resending it until then.
 */
export class PassageHandler implements DeviceEventHandler<PassageEvent> {
  handle(context: LaneContext, deviceId: string, event: PassageEvent): void {
    this.apply(context, deviceId, event);
    const ack: EventAck = { v: PROTOCOL_VERSION, msgId: context.ids(), ts: context.clock.now(), replyTo: event.msgId };
    context.publish(topics.deviceCommand(context.config.siteId, deviceId, 'ack'), ack, { qos: 1 });
  }

  private apply(context: LaneContext, deviceId: string, event: PassageEvent): void {
    const now = context.clock.now();
    if (event.outcome === 'timeout') {
      const outcome = context.journal.timeOut(event.decisionId, deviceId, now);
      if (outcome === 'timed_out') context.counters.timedOut++;
      else this.notApplied(context, deviceId, event, outcome);
      return;
    }
    const decision = context.journal.find(event.decisionId);
    // The device's own time, when plausible, says when the rider went through (it may be reporting late).
    const skewMs = context.config.clockSkewToleranceS * 1000;
    const passedAt = decision && event.ts >= decision.decidedAt - skewMs && event.ts <= now + skewMs ? event.ts : now;
    const outcome = context.journal.confirmPassage(event.decisionId, deviceId, passedAt, (event.count ?? 1) > 1);
    if (outcome.kind !== 'recorded') return this.notApplied(context, deviceId, event, outcome.kind);
    context.counters.passed++;
    context.onPassageRecorded();
    const { passage } = outcome;
    if (context.config.mode !== 'metro' || passage.direction === 'board') return;
    const state = { state: passage.direction === 'entry' ? ('in' as const) : ('out' as const), site: context.config.siteId, at: passedAt };
    context.hotStore.setPassback(passage.tokenId, state, context.config.passbackWindowS * 1000).catch((error: unknown) => {
      context.logger.warn('passback.write_failed', { passageId: passage.id, error: String(error) });
    });
  }

  private notApplied(context: LaneContext, deviceId: string, event: PassageEvent, outcome: string): void {
    if (outcome === 'duplicate') {
      context.counters.duplicatePassages++;
      return;
    }
    context.counters.unmatchedPassages++;
    context.logger.warn('passage.unmatched', { deviceId, decisionId: event.decisionId, msgId: event.msgId, outcome });
  }
}
