import type { TollSiteDefinition } from '../../demo/network.js';
import { GateQueue } from '../people/gateQueue.js';
import { TollLaneDevices, type CommonDeviceOptions, type LaneBehaviour, type LaneOutcome } from './tollLaneDevices.js';
import type { SimVehicle } from './vehicle.js';

export interface SimulatedTollRoadOptions extends CommonDeviceOptions {
  /** Usually DEMO_TOLL_SITES: plazas get barrier lanes, gantries free-flow lanes. */
  sites: readonly TollSiteDefinition[];
}

/** Every device of a toll road, one MQTT client each, as the hardware would be. */
export class SimulatedTollRoad {
  readonly sites: readonly TollSiteDefinition[];
  private readonly lanes = new Map<string, TollLaneDevices>();
  // Vehicles queue at a lane: one through at a time, in arrival order.
  private readonly queue = new GateQueue();
  private halted = false;

  constructor(options: SimulatedTollRoadOptions) {
    const { sites, ...common } = options;
    this.sites = sites;
    for (const site of sites) for (const lane of site.lanes) this.lanes.set(`${site.id}/${lane.lane}`, new TollLaneDevices(site.id, lane, common));
  }

  lane(siteId: string, lane: string): TollLaneDevices {
    const found = this.lanes.get(`${siteId}/${lane}`);
    if (!found) throw new RangeError(`no lane ${lane} at ${siteId}`);
    return found;
  }

  lanesOf(siteId: string): TollLaneDevices[] {
    return [...this.lanes.values()].filter((lane) => lane.siteId === siteId);
  }

  get devices() {
    return [...this.lanes.values()].flatMap((lane) => lane.all);
  }

  /** The vehicle waits its turn at the lane, then goes through. */
  pass(siteId: string, lane: string, vehicle: SimVehicle, behaviour?: LaneBehaviour): Promise<LaneOutcome> {
    return this.queue.run(`${siteId}/${lane}`, async () => (this.halted ? 'diverted' : this.lane(siteId, lane).pass(vehicle, behaviour)));
  }

  /** The road closes: vehicles still queued at a lane turn away instead of going through. */
  halt(): void {
    this.halted = true;
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
    this.halt();
    await Promise.all(this.devices.map((device) => device.close()));
  }
}
