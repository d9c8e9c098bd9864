import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

export type MessageListener = (topic: string, payload: Buffer) => void;

/**
 * Connect an MQTT.js client with TCP_NODELAY set on every (re)connect, and wait for the first
 * CONNACK. Reconnects forever afterwards (MQTT.js default), resubscribing on its own.
 *
 * A listener given here is attached before connecting: with a persistent session (clean: false)
 * the broker delivers the QoS 1 messages it queued right after CONNACK, and MQTT.js acknowledges
 * a message nobody listened to.
 */
export async function connectMqtt(url: string, options: IClientOptions = {}, onMessage?: MessageListener): Promise<MqttClient> {
  const client = mqtt.connect(url, { reconnectPeriod: 500, connectTimeout: 5000, ...options });
  if (onMessage) client.on('message', onMessage);
  const setNoDelay = () => {
    const stream = client.stream as { setNoDelay?: (on: boolean) => void } | undefined;
    stream?.setNoDelay?.(true);
  };
  client.on('connect', setNoDelay);
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
  // After the first connect, errors are transient and MQTT.js retries; do not crash on them.
  client.on('error', () => {});
  return client;
}

export function endMqtt(client: MqttClient): Promise<void> {
  return new Promise((resolve) => client.end(false, {}, () => resolve()));
}
