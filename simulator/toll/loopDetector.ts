import type { LoopEvent } from '../../protocol/toll.js';
import { TollDevice, type TollDeviceOptions } from './tollDevice.js';

/** An inductive loop under the lane: occupied when a vehicle is over it, clear when it has left. */
export class LoopDetector extends TollDevice {
  vehicles = 0;

  constructor(options: TollDeviceOptions) {
    super(options, 'loop');
  }

  async report(state: LoopEvent['state']): Promise<void> {
    const envelope = this.envelope();
    await this.link.publishEvent('loop', { ...envelope, lane: this.lane, state, at: envelope.ts } satisfies LoopEvent);
  }

  /** One vehicle drives over: occupied, then clear. */
  async vehicleOver(): Promise<void> {
    await this.report('occupied');
    await this.report('clear');
    this.vehicles++;
  }
}
