import type { SiteDefinition } from '../demo/network.js';
import type { Clock } from '../protocol/clock.js';
import type { IdGenerator } from '../protocol/ids.js';
import { BusValidator } from './devices/busValidator.js';
import type { ConnectMqtt } from './devices/deviceLink.js';
import { Turnstile, type GateDirection } from './devices/turnstile.js';
import type { Timers } from './timers.js';

export interface SimulatedNetworkOptions {
  brokerUrl: string;
  /** Usually DEMO_SITES: metro sites get turnstiles, bus sites get validators. */
  sites: readonly SiteDefinition[];
  /** 'perScan' (default): every gate works both ways; 'split': the first half of a station's gates are entry, the rest exit. */
  gateDirections?: 'perScan' | 'split';
  heartbeatIntervalMs?: number;
  answerTimeoutMs?: number;
  defaultOpenForMs?: number;
  /** Appended to every MQTT client id (never to topics), so two runs can share a broker. */
  clientIdSuffix?: string;
  /** Site secret each device derives its MQTT password from. */
  mqttSecret?: string;
  clock?: Clock;
  timers?: Timers;
  ids?: IdGenerator;
  connect?: ConnectMqtt;
}

/** Every gate and validator of a network, one MQTT client each, as the hardware would be. */
export class SimulatedNetwork {
  readonly turnstiles = new Map<string, Turnstile>();
  readonly validators = new Map<string, BusValidator>();
  readonly metroStations: SiteDefinition[];
  readonly buses: SiteDefinition[];

  constructor(options: SimulatedNetworkOptions) {
    const { sites, gateDirections, clientIdSuffix, ...common } = options;
    this.metroStations = sites.filter((site) => site.mode === 'metro');
    this.buses = sites.filter((site) => site.mode === 'bus');
    for (const site of this.metroStations) {
      site.deviceIds.forEach((deviceId, index) => {
        const fixedDirection: GateDirection | undefined = gateDirections === 'split' ? (index < site.deviceIds.length / 2 ? 'entry' : 'exit') : undefined;
        this.turnstiles.set(deviceId, new Turnstile({ ...common, siteId: site.id, deviceId, fixedDirection, clientId: clientIdSuffix ? `${deviceId}-${clientIdSuffix}` : undefined }));
      });
    }
    for (const site of this.buses) {
      for (const deviceId of site.deviceIds) {
        this.validators.set(deviceId, new BusValidator({ ...common, siteId: site.id, deviceId, clientId: clientIdSuffix ? `${deviceId}-${clientIdSuffix}` : undefined }));
      }
    }
  }

  turnstilesAt(siteId: string): Turnstile[] {
    return [...this.turnstiles.values()].filter((gate) => gate.siteId === siteId);
  }

  validatorsAt(siteId: string): BusValidator[] {
    return [...this.validators.values()].filter((validator) => validator.siteId === siteId);
  }

  get devices(): (Turnstile | BusValidator)[] {
    return [...this.turnstiles.values(), ...this.validators.values()];
  }

  async start(): Promise<void> {
    try {
      await Promise.all(this.devices.map((device) => device.start()));
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.devices.map((device) => device.close()));
  }
}
