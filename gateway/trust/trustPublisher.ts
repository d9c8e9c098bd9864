import type { MqttClient } from 'mqtt';
import type { TrustChange } from '../../protocol/laneApi.js';
import { topics } from '../../protocol/topics.js';

/**
 * Pushes committed trust changes to lanes on tp/1/_trust/delta at QoS 1. Best effort: a lane
 * that misses one sees a version gap and catches up with GET /api/lane/v1/trust?since=N.
 */
export class TrustPublisher {
  published = 0;
  failed = 0;

  constructor(private readonly mqtt: () => MqttClient | undefined) {}

  async publish(changes: readonly TrustChange[]): Promise<void> {
    const client = this.mqtt();
    if (!client) return;
    for (const change of changes) {
      try {
        await client.publishAsync(topics.trustDelta(), JSON.stringify(change), { qos: 1 });
        this.published += 1;
      } catch {
        this.failed += 1;
      }
    }
  }
}
