import { TrustChange } from '../../protocol/laneApi.js';
import { DeviceStatus } from '../../protocol/messages.js';
import { LANE_SEGMENT, parseDeviceEventTopic, TOPIC_ROOT, topics } from '../../protocol/topics.js';
import { errorMessage } from '../errors.js';
import type { TrustSync } from '../trust/trustSync.js';
import { createDispatchTable, type DispatchEntry, type DispatchTable } from './dispatchTable.js';
import type { LaneContext } from './laneContext.js';

/**
 * Every MQTT message the lane receives goes through route(): device events to their handler via
 * the dispatch table, device statuses to the registry, trust deltas to TrustSync. Garbage is
 * logged, counted (invalidMessages) and dropped; nothing here throws. Messages for other sites
 * (a client shared by several lanes) are ignored quietly.
 */
export class MessageRouter {
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly context: LaneContext, private readonly trust: TrustSync, private readonly table: DispatchTable = createDispatchTable()) {}

  route(topic: string, payload: Buffer): void {
    const receivedAtNs = process.hrtime.bigint();
    try {
      if (topic === topics.trustDelta()) return this.trustDelta(payload);
      const parts = topic.split('/');
      if (`${parts[0]}/${parts[1]}` !== TOPIC_ROOT || parts[2] !== this.context.config.siteId) return;
      if (parts.length === 5 && parts[4] === 'status') return parts[3] === LANE_SEGMENT ? undefined : this.deviceStatus(parts[3], payload);
      if (parts[3] === LANE_SEGMENT) return;
      this.deviceEvent(topic, payload, receivedAtNs);
    } catch (error) {
      this.invalid(topic, 'handler failed', error);
    }
  }

  /** Resolves when every handler started so far has finished (for an orderly close). */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private deviceEvent(topic: string, payload: Buffer, receivedAtNs: bigint): void {
    const parsedTopic = parseDeviceEventTopic(topic);
    const entry = parsedTopic && (this.table as Record<string, DispatchEntry | undefined>)[parsedTopic.kind];
    if (!parsedTopic || !entry) return this.invalid(topic, 'unknown topic');
    const event = this.parse(topic, payload, entry.schema);
    if (event === undefined) return;
    let result: void | Promise<void>;
    try {
      result = (entry.handler as { handle(...args: unknown[]): void | Promise<void> }).handle(this.context, parsedTopic.device, event, receivedAtNs);
    } catch (error) {
      return this.failed(topic, error);
    }
    if (result) {
      const tracked = result.catch((error: unknown) => this.failed(topic, error));
      this.pending.add(tracked);
      void tracked.finally(() => this.pending.delete(tracked));
    }
  }

  private deviceStatus(deviceId: string, payload: Buffer): void {
    if (payload.length === 0) return; // a cleared retained status
    const status = this.parse(`status of ${deviceId}`, payload, DeviceStatus);
    if (status) this.context.devices.touch(deviceId, this.context.clock.now(), { online: status.online, ...(status.kind ? { kind: status.kind } : {}) });
  }

  private trustDelta(payload: Buffer): void {
    const change = this.parse(topics.trustDelta(), payload, TrustChange);
    if (change) this.trust.handlePushed(change);
  }

  private parse<T>(topic: string, payload: Buffer, schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; error: Error } }): T | undefined {
    if (payload.length > this.context.config.maxPayloadBytes) {
      this.invalid(topic, `payload of ${payload.length} bytes is over the limit`);
      return undefined;
    }
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch (error) {
      this.invalid(topic, 'payload is not JSON', error);
      return undefined;
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      this.invalid(topic, 'payload does not match its schema', parsed.error);
      return undefined;
    }
    return parsed.data;
  }

  private invalid(topic: string, why: string, error?: unknown): void {
    this.context.counters.invalidMessages++;
    this.context.logger.warn('mqtt.invalid_message', { topic, why, ...(error ? { error: errorMessage(error).slice(0, 300) } : {}) });
  }

  private failed(topic: string, error: unknown): void {
    this.context.counters.handlerErrors++;
    this.context.logger.error('mqtt.handler_failed', { topic, error: errorMessage(error) });
  }
}
