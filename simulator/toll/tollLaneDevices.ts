import type { TollLaneDefinition } from '../../demo/network.js';
import type { DeviceLinkOptions } from '../devices/deviceLink.js';
import { Barrier } from './barrier.js';
import { LaneDisplay } from './laneDisplay.js';
import { LoopDetector } from './loopDetector.js';
import { PlateCamera, type PlateShot } from './plateCamera.js';
import { RoadsideUnit } from './roadsideUnit.js';
import type { TollDevice } from './tollDevice.js';
import type { SimVehicle } from './vehicle.js';

export type CommonDeviceOptions = Omit<DeviceLinkOptions, 'kind' | 'commandKinds' | 'siteId' | 'deviceId' | 'clientId'> & { clientIdSuffix?: string };

/** How one vehicle goes through a lane: what the camera makes of it, and whether another vehicle follows unread. */
export interface LaneBehaviour {
  /** undefined: the camera misses the vehicle. */
  shot?: PlateShot;
  /** A vehicle without a tag follows so closely that nothing reads it; only the loop counts it. */
  tailgater?: boolean;
  /** How long the driver waits at a barrier for it to lift. Default 3000 ms. */
  waitForLiftMs?: number;
}

/** passed: drove through (a barrier lifted, or a gantry); diverted: the barrier stayed down. */
export type LaneOutcome = 'passed' | 'diverted';

/** The devices of one physical lane: roadside unit, plate camera, loop, and at a plaza a barrier and a display. */
export class TollLaneDevices {
  readonly rsu: RoadsideUnit;
  readonly camera: PlateCamera;
  readonly loop: LoopDetector | undefined;
  readonly barrier: Barrier | undefined;
  readonly display: LaneDisplay | undefined;

  constructor(readonly siteId: string, readonly definition: TollLaneDefinition, common: CommonDeviceOptions) {
    const { clientIdSuffix, ...link } = common;
    const options = (deviceId: string) => ({ ...link, siteId, deviceId, lane: definition.lane, clientId: clientIdSuffix ? `${deviceId}-${clientIdSuffix}` : undefined });
    const { devices } = definition;
    this.rsu = new RoadsideUnit({ ...options(devices.rsu), writesEntry: definition.direction === 'entry' });
    this.camera = new PlateCamera(options(devices.camera));
    this.loop = devices.loop ? new LoopDetector(options(devices.loop)) : undefined;
    this.barrier = devices.barrier ? new Barrier(options(devices.barrier)) : undefined;
    this.display = devices.display ? new LaneDisplay(options(devices.display)) : undefined;
  }

  get lane(): string {
    return this.definition.lane;
  }

  get all(): TollDevice[] {
    return [this.rsu, this.camera, this.loop, this.barrier, this.display].filter((device): device is NonNullable<typeof device> => device !== undefined);
  }

  /**
   * One vehicle through the lane, as the hardware sees it: the roadside unit reads its tag, the
   * camera its plate, then (at a barrier, once lifted) it drives over the loop. A device that is
   * offline reads nothing.
   */
  async pass(vehicle: SimVehicle, behaviour: LaneBehaviour = { shot: {} }): Promise<LaneOutcome> {
    const liftsBefore = this.barrier?.lifts ?? 0;
    if (this.rsu.online) await this.rsu.read(vehicle).catch(() => undefined);
    if (behaviour.shot && this.camera.online) await this.camera.read(vehicle, behaviour.shot).catch(() => undefined);
    if (this.barrier && !(await this.barrier.waitForLift(liftsBefore, behaviour.waitForLiftMs ?? 3000))) return 'diverted';
    await this.loop?.vehicleOver().catch(() => undefined);
    if (behaviour.tailgater) await this.loop?.vehicleOver().catch(() => undefined);
    return 'passed';
  }
}
