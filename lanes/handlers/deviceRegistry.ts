import type { DeviceKind } from '../../protocol/messages.js';

export interface DeviceState {
  deviceId: string;
  kind?: DeviceKind;
  online?: boolean;
  lastSeenAt: number;
  lastFault?: { code: string; severity: string; at: number };
}

/** What the lane knows of its devices, from heartbeats, faults and retained statuses. */
export class DeviceRegistry {
  private readonly devices = new Map<string, DeviceState>();

  touch(deviceId: string, at: number, update: Partial<Omit<DeviceState, 'deviceId' | 'lastSeenAt'>> = {}): DeviceState {
    const state = this.devices.get(deviceId) ?? { deviceId, lastSeenAt: at };
    Object.assign(state, update);
    state.lastSeenAt = Math.max(state.lastSeenAt, at);
    this.devices.set(deviceId, state);
    return state;
  }

  get(deviceId: string): DeviceState | undefined {
    return this.devices.get(deviceId);
  }

  all(): DeviceState[] {
    return [...this.devices.values()];
  }
}
