import type { PlateRead } from '../../protocol/toll.js';
import { TollDevice, type TollDeviceOptions } from './tollDevice.js';
import type { SimVehicle } from './vehicle.js';

export interface PlateShot {
  /** What the recogniser made of the plate (a misread differs from the vehicle's). */
  plate?: string;
  confidence?: number;
}

/** A plate camera (ANPR): publishes evt/plate with the plate it read, its confidence and an evidence image reference. */
export class PlateCamera extends TollDevice {
  reads = 0;

  constructor(options: TollDeviceOptions) {
    super(options, 'camera');
  }

  async read(vehicle: SimVehicle, shot: PlateShot = {}): Promise<PlateRead> {
    const envelope = this.envelope();
    const read: PlateRead = {
      ...envelope,
      lane: this.lane,
      plate: shot.plate ?? vehicle.plate,
      colour: vehicle.vehicleClass === '1' ? 'white' : 'yellow',
      confidence: shot.confidence ?? 0.97,
      imageRef: `${this.deviceId}/${envelope.msgId}.jpg`,
      readAt: envelope.ts,
    };
    await this.link.publishEvent('plate', read);
    this.reads++;
    return read;
  }
}
