import type { HeartbeatEvent } from '../../protocol/messages.js';
import type { DeviceEventHandler, LaneContext } from './laneContext.js';

/** A device is alive: remember when and what it is. */
export class HeartbeatHandler implements DeviceEventHandler<HeartbeatEvent> {
  handle(context: LaneContext, deviceId: string, event: HeartbeatEvent): void {
    context.devices.touch(deviceId, context.clock.now(), { kind: event.kind, online: true });
  }
}
