import { EventEmitter } from 'node:events';
import { DeviceLink, type DeviceLinkOptions } from '../devices/deviceLink.js';

export type TollDeviceOptions = Omit<DeviceLinkOptions, 'kind' | 'commandKinds'> & { lane: string };

/**
 * What every simulated toll device shares: its MQTT link (retained status, last will,
 * heartbeats, faults) and the physical lane it covers. Emits 'online' and 'offline'.
 */
export abstract class TollDevice extends EventEmitter {
  readonly link: DeviceLink;
  readonly lane: string;

  constructor(options: TollDeviceOptions, kind: DeviceLinkOptions['kind'], commandKinds: DeviceLinkOptions['commandKinds'] = []) {
    super();
    const { lane, ...linkOptions } = options;
    this.lane = lane;
    this.link = new DeviceLink({ ...linkOptions, kind, commandKinds });
    this.link.on('online', () => this.emit('online'));
    this.link.on('offline', () => this.emit('offline'));
  }

  get deviceId(): string {
    return this.link.deviceId;
  }

  get online(): boolean {
    return this.link.online;
  }

  start(): Promise<void> {
    return this.link.start();
  }

  close(): Promise<void> {
    return this.link.close();
  }

  /** Power cut: the broker publishes the last will (status offline). */
  goOffline(): void {
    this.link.goOffline();
  }

  reconnect(): Promise<void> {
    return this.link.reconnect();
  }

  protected envelope(): { v: 1; msgId: string; ts: number } {
    return { v: 1, msgId: this.link.ids(), ts: this.link.clock.now() };
  }
}
