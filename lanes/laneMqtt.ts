import type { IClientOptions, MqttClient } from 'mqtt';
import { connectMqtt, type MessageListener } from '../runtime/mqtt.js';

export type { MessageListener };

/**
 * The lane's own MQTT connection: a persistent session whose queued events reach the listener,
 * attached before CONNACK (runtime/mqtt.ts), with TCP_NODELAY (design section 9).
 */
export function connectLaneMqtt(url: string, onMessage: MessageListener, options: IClientOptions): Promise<MqttClient> {
  return connectMqtt(url, options, onMessage);
}
