import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

export type MessageListener = (topic: string, payload: Buffer) => void;

/**
 * The lane's own MQTT connection. Unlike runtime/mqtt.ts, the message listener is attached
 * before connecting: with a persistent session (clean: false) the broker delivers the QoS 1
 * events it queued while the lane was down right after CONNACK, and MQTT.js acknowledges a
 * message nobody listened to. TCP_NODELAY on every (re)connect (design section 9).
 */
export async function connectLaneMqtt(url: string, onMessage: MessageListener, options: IClientOptions): Promise<MqttClient> {
  const client = mqtt.connect(url, { reconnectPeriod: 500, connectTimeout: 5000, ...options });
  client.on('message', onMessage);
  client.on('connect', () => {
    const stream = client.stream as { setNoDelay?: (on: boolean) => void } | undefined;
    stream?.setNoDelay?.(true);
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => {
      client.end(true);
      reject(new Error(`cannot connect to MQTT broker at ${url}: ${error.message}`, { cause: error }));
    };
    client.once('error', onError);
    client.once('connect', () => {
      client.off('error', onError);
      resolve();
    });
  });
  // After the first connect, errors are transient and MQTT.js reconnects.
  client.on('error', () => {});
  return client;
}
