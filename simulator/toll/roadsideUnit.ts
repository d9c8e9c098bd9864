import type { ObuRead } from '../../protocol/toll.js';
import { TollDevice, type TollDeviceOptions } from './tollDevice.js';
import type { SimVehicle } from './vehicle.js';

export interface RoadsideUnitOptions extends TollDeviceOptions {
  /** Entry lanes of a closed road write the entry (site, time) into the tag; exit lanes and gantries write nothing. */
  writesEntry: boolean;
}

/** A roadside unit (RSU): reads the tag of a vehicle passing its antenna and publishes evt/obu. */
export class RoadsideUnit extends TollDevice {
  reads = 0;
  private readonly writesEntry: boolean;

  constructor(options: RoadsideUnitOptions) {
    super(options, 'rsu');
    this.writesEntry = options.writesEntry;
  }

  /** Reads the vehicle's tag (none: nothing to read); resolves with what was published. */
  async read(vehicle: SimVehicle): Promise<ObuRead | undefined> {
    const tag = vehicle.tag;
    if (!tag) return undefined;
    const now = this.link.clock.now();
    const read: ObuRead = {
      ...this.envelope(),
      lane: this.lane,
      tagId: tag.tagId,
      declaredClass: tag.declaredClass,
      tagPlate: tag.plate,
      readAt: now,
      rssiDbm: -40 - Math.round(Math.random() * 30),
      tampered: tag.tampered,
      ...(tag.entry ? { entry: { ...tag.entry } } : {}),
    };
    await this.link.publishEvent('obu', read);
    this.reads++;
    if (this.writesEntry) tag.entry = { site: this.link.siteId, at: now };
    return read;
  }
}
