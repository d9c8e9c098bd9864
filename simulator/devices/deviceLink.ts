import { EventEmitter } from 'node:events';
import type { IClientOptions, MqttClient } from 'mqtt';
import { connectMqtt, endMqtt } from '../../runtime/mqtt.js';
import { credentialsOf } from '../../protocol/mqttAccess.js';
import { systemClock, type Clock } from '../../protocol/clock.js';
import { uuidv7, type IdGenerator } from '../../protocol/ids.js';
import { PROTOCOL_VERSION, type DeviceKind, type DeviceStatus, type FaultEvent, type HeartbeatEvent } from '../../protocol/messages.js';
import { topics, type DeviceCommandKind, type DeviceEventKind } from '../../protocol/topics.js';
import { systemTimers, type TimerHandle, type Timers } from '../timers.js';

export type ConnectMqtt = (url: string, options: IClientOptions) => Promise<MqttClient>;

export interface DeviceLinkOptions {
  brokerUrl: string;
  siteId: string;
  deviceId: string;
  kind: DeviceKind;
  /** Site secret: the device logs in as device.{siteId}.{deviceId} with its derived password (protocol/mqttAccess.ts). */
  mqttSecret?: string;
  /** MQTT client id; the device id unless given. */
  clientId?: string;
  /** Default 10 000; 0 turns heartbeats off. */
  heartbeatIntervalMs?: number;
  firmware?: string;
  clock?: Clock;
  timers?: Timers;
  ids?: IdGenerator;
  connect?: ConnectMqtt;
  /** Command topics the device listens on; default the gate's. A roadside unit or camera listens on none. */
  commandKinds?: readonly DeviceCommandKind[];
}

export class DeviceOfflineError extends Error {
  readonly code = 'DEVICE_OFFLINE';
  constructor(deviceId: string) {
    super(`device ${deviceId} is not connected`);
    this.name = 'DeviceOfflineError';
  }
}

/**
 * A device's link to its lane (docs/protocol.md, "Devices"): its own MQTT client, a last will
 * that marks its retained status offline, the retained online status, heartbeats, faults, and
 * its command subscriptions. Emits 'command' (raw payload Buffer, command kind), 'online' and 'offline'.
 */
export class DeviceLink extends EventEmitter {
  readonly siteId: string;
  readonly deviceId: string;
  readonly kind: DeviceKind;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly ids: IdGenerator;
  private client: MqttClient | undefined;
  /** Publishes waiting for their PUBACK: failed at once when the device goes offline or closes. */
  private readonly inFlight = new Set<(error: Error) => void>();
  private heartbeat: TimerHandle | undefined;
  private startedAtMs = 0;
  heartbeatsSent = 0;
  faultsSent = 0;

  constructor(private readonly options: DeviceLinkOptions) {
    super();
    this.siteId = options.siteId;
    this.deviceId = options.deviceId;
    this.kind = options.kind;
    this.clock = options.clock ?? systemClock;
    this.timers = options.timers ?? systemTimers;
    this.ids = options.ids ?? uuidv7;
  }

  get online(): boolean {
    return this.client?.connected ?? false;
  }

  async start(): Promise<void> {
    this.startedAtMs = this.clock.now();
    await this.connect();
    const intervalMs = this.options.heartbeatIntervalMs ?? 10_000;
    if (intervalMs > 0) this.heartbeat = this.timers.setInterval(() => void this.sendHeartbeat().catch(() => {}), intervalMs);
  }

  /** Graceful shutdown: says offline itself (a clean DISCONNECT does not fire the will). */
  async close(): Promise<void> {
    if (this.heartbeat !== undefined) this.timers.clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    if (client.connected) await client.publishAsync(this.statusTopic, this.status(false), { qos: 1, retain: true }).catch(() => {});
    await endMqtt(client);
    this.failInFlight();
    this.emit('offline');
  }

  /** Power cut or cable pulled: the socket ends without DISCONNECT, so the broker sends the will. */
  goOffline(): void {
    const client = this.client;
    this.client = undefined;
    this.failInFlight();
    client?.end(true);
    this.emit('offline');
  }

  async reconnect(): Promise<void> {
    if (this.client) return;
    await this.connect();
  }

  /** Publishes a device event at QoS 1 and resolves once the broker has it. */
  async publishEvent(kind: DeviceEventKind, payload: object): Promise<void> {
    const client = this.client;
    if (!client) throw new DeviceOfflineError(this.deviceId);
    // A forced end of the client may leave a QoS 1 publish waiting for a PUBACK that never comes:
    // going offline fails it instead, as a device that lost power mid-send would.
    let fail!: (error: Error) => void;
    const offline = new Promise<never>((_resolve, reject) => (fail = reject));
    this.inFlight.add(fail);
    try {
      await Promise.race([client.publishAsync(topics.deviceEvent(this.siteId, this.deviceId, kind), JSON.stringify(payload), { qos: 1 }), offline]);
    } finally {
      this.inFlight.delete(fail);
    }
  }

  private failInFlight(): void {
    for (const fail of [...this.inFlight]) fail(new DeviceOfflineError(this.deviceId));
    this.inFlight.clear();
  }

  async sendHeartbeat(): Promise<HeartbeatEvent> {
    const now = this.clock.now();
    const event: HeartbeatEvent = { v: PROTOCOL_VERSION, msgId: this.ids(), ts: now, kind: this.kind, uptimeS: Math.max(0, Math.floor((now - this.startedAtMs) / 1000)) };
    if (this.options.firmware) event.firmware = this.options.firmware;
    await this.publishEvent('heartbeat', event);
    this.heartbeatsSent++;
    return event;
  }

  async publishFault(code: string, severity: FaultEvent['severity'], detail?: string): Promise<FaultEvent> {
    const event: FaultEvent = { v: PROTOCOL_VERSION, msgId: this.ids(), ts: this.clock.now(), code, severity };
    if (detail !== undefined) event.detail = detail;
    await this.publishEvent('fault', event);
    this.faultsSent++;
    return event;
  }

  private get commandKinds(): readonly DeviceCommandKind[] {
    return this.options.commandKinds ?? ['gate'];
  }

  private get statusTopic(): string {
    return topics.deviceStatus(this.siteId, this.deviceId);
  }

  private status(online: boolean): string {
    const status: DeviceStatus = { v: PROTOCOL_VERSION, ts: this.clock.now(), online, kind: this.kind };
    return JSON.stringify(status);
  }

  private async connect(): Promise<void> {
    const connect = this.options.connect ?? connectMqtt;
    const client = await connect(this.options.brokerUrl, {
      clientId: this.options.clientId ?? this.deviceId,
      ...(this.options.mqttSecret ? credentialsOf(this.options.mqttSecret, { role: 'device', site: this.siteId, device: this.deviceId }) : {}),
      will: { topic: this.statusTopic, payload: Buffer.from(this.status(false)), qos: 1, retain: true },
    });
    const commandTopics = new Map(this.commandKinds.map((kind) => [topics.deviceCommand(this.siteId, this.deviceId, kind), kind]));
    client.on('message', (topic, payload) => {
      const kind = commandTopics.get(topic);
      if (kind) this.emit('command', payload, kind);
    });
    // MQTT.js reconnects by itself after a network blip; the will may have fired meanwhile.
    client.on('connect', () => {
      if (this.client === client) client.publish(this.statusTopic, this.status(true), { qos: 1, retain: true });
    });
    if (commandTopics.size > 0) await client.subscribeAsync([...commandTopics.keys()], { qos: 1 });
    await client.publishAsync(this.statusTopic, this.status(true), { qos: 1, retain: true });
    this.client = client;
    this.emit('online');
  }
}
