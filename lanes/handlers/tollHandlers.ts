import type { BarrierState, LoopEvent, ObuRead, PlateRead } from '../../protocol/toll.js';
import type { TollSite } from '../toll/tollSite.js';
import type { DeviceEventHandler, LaneContext } from './laneContext.js';

/**
 * The toll device events, one small handler each (the shape of aedes lib/handlers): each hands
 * its schema-checked message to the site's TollSite, which fuses, journals and commands.
 */
export class ObuReadHandler implements DeviceEventHandler<ObuRead> {
  constructor(private readonly site: TollSite) {}
  handle(_context: LaneContext, deviceId: string, read: ObuRead): void {
    this.site.handleObu(deviceId, read);
  }
}

export class PlateReadHandler implements DeviceEventHandler<PlateRead> {
  constructor(private readonly site: TollSite) {}
  handle(_context: LaneContext, deviceId: string, read: PlateRead): void {
    this.site.handlePlate(deviceId, read);
  }
}

export class LoopEventHandler implements DeviceEventHandler<LoopEvent> {
  constructor(private readonly site: TollSite) {}
  handle(_context: LaneContext, deviceId: string, event: LoopEvent): void {
    this.site.handleLoop(deviceId, event);
  }
}

export class BarrierStateHandler implements DeviceEventHandler<BarrierState> {
  constructor(private readonly site: TollSite) {}
  handle(_context: LaneContext, deviceId: string, state: BarrierState): void {
    this.site.handleBarrierState(deviceId, state);
  }
}
