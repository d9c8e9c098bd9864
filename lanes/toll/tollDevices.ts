import type { TollDeviceKind } from '../../protocol/toll.js';
import type { DeviceRegistry } from '../handlers/deviceRegistry.js';
import type { TollLaneConfig } from './tollLaneConfig.js';

export interface TollDevice {
  deviceId: string;
  kind: TollDeviceKind;
  lane: TollLaneConfig;
}

/**
 * The devices of a toll site, from its configuration: which physical lane and kind each device
 * id is, and whether it is offline now (its retained status or last will says so, or it has been
 * silent for longer than the silence limit).
 */
export class TollDevices {
  private readonly byId = new Map<string, TollDevice>();
  readonly lanes = new Map<string, TollLaneConfig>();

  constructor(lanes: readonly TollLaneConfig[], private readonly registry: DeviceRegistry, private readonly silenceMs: number) {
    for (const lane of lanes) {
      this.lanes.set(lane.lane, lane);
      for (const [kind, deviceId] of Object.entries(lane.devices)) if (deviceId) this.byId.set(deviceId, { deviceId, kind: kind as TollDeviceKind, lane });
    }
  }

  /** The device, if it is configured as this kind; undefined for anything else. */
  device(deviceId: string, kind: TollDeviceKind): TollDevice | undefined {
    const device = this.byId.get(deviceId);
    return device?.kind === kind ? device : undefined;
  }

  /** A device never heard of is not counted offline: there is no evidence either way. */
  isOffline(deviceId: string | undefined, now: number): boolean {
    if (!deviceId) return false;
    const state = this.registry.get(deviceId);
    if (!state) return false;
    return state.online === false || now - state.lastSeenAt > this.silenceMs;
  }

  seen(deviceId: string, now: number, kind: TollDeviceKind): void {
    this.registry.touch(deviceId, now, { kind, online: true });
  }
}
