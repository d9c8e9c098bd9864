import type { FaultEvent } from '../../protocol/messages.js';
import type { DeviceEventHandler, LaneContext } from './laneContext.js';

/** A device reports a fault: log it at its severity and keep the latest per device. */
export class FaultHandler implements DeviceEventHandler<FaultEvent> {
  handle(context: LaneContext, deviceId: string, event: FaultEvent): void {
    const at = context.clock.now();
    context.counters.faults++;
    context.devices.touch(deviceId, at, { lastFault: { code: event.code, severity: event.severity, at } });
    const fields = { deviceId, code: event.code, severity: event.severity, detail: event.detail };
    if (event.severity === 'critical') context.logger.error('device.fault', fields);
    else context.logger.warn('device.fault', fields);
  }
}
