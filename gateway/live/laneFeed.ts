import type { MqttClient } from 'mqtt';
import { LaneDecision, LaneStatus } from '../../protocol/messages.js';
import { topics } from '../../protocol/topics.js';
import type { Metrics } from '../metrics.js';
import type { LiveHub } from './liveHub.js';

const DECISION_TOPIC = /^tp\/1\/[^/]+\/_lane\/decision$/;
const STATUS_TOPIC = /^tp\/1\/[^/]+\/_lane\/status$/;

/**
 * Relays lane decisions (QoS 0) and lane statuses (retained) from MQTT to the live page.
 * Garbage is counted and dropped, never thrown: a bad publisher must not stop the feed.
 */
export class LaneFeed {
  private client: MqttClient | undefined;
  private readonly onMessage = (topic: string, payload: Buffer) => this.handle(topic, payload);

  constructor(private readonly live: LiveHub, private readonly metrics: Metrics) {}

  async start(client: MqttClient): Promise<void> {
    this.client = client;
    client.on('message', this.onMessage);
    await client.subscribeAsync({ [topics.allLaneDecisions()]: { qos: 0 }, [topics.allLaneStatuses()]: { qos: 0 } });
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    client.off('message', this.onMessage);
    if (client.connected) await client.unsubscribeAsync([topics.allLaneDecisions(), topics.allLaneStatuses()]).catch(() => {});
  }

  private handle(topic: string, payload: Buffer): void {
    const schema = DECISION_TOPIC.test(topic) ? LaneDecision : STATUS_TOPIC.test(topic) ? LaneStatus : undefined;
    if (!schema) return;
    let parsed;
    try {
      parsed = schema.safeParse(JSON.parse(payload.toString('utf8')));
    } catch {
      parsed = undefined;
    }
    if (!parsed?.success) {
      this.metrics.increment('mqtt.invalid_messages');
      return;
    }
    this.live.publish(schema === LaneDecision ? 'decision' : 'lane', parsed.data);
  }
}
