import type { z } from 'zod';
import { FaultEvent, HeartbeatEvent, PassageEvent, ScanEvent } from '../../protocol/messages.js';
import type { DeviceEventKind } from '../../protocol/topics.js';
import { FaultHandler } from './faultHandler.js';
import { HeartbeatHandler } from './heartbeatHandler.js';
import type { DeviceEventHandler } from './laneContext.js';
import { PassageHandler } from './passageHandler.js';
import { ScanHandler } from './scanHandler.js';

export interface DispatchEntry {
  schema: z.ZodType;
  handler: DeviceEventHandler<never>;
}

/** One schema and one handler per device event kind (the shape of aedes lib/handlers). */
export function createDispatchTable(): Record<DeviceEventKind, DispatchEntry> {
  return {
    scan: { schema: ScanEvent, handler: new ScanHandler() },
    passage: { schema: PassageEvent, handler: new PassageHandler() },
    heartbeat: { schema: HeartbeatEvent, handler: new HeartbeatHandler() },
    fault: { schema: FaultEvent, handler: new FaultHandler() },
  };
}
