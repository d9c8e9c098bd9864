import type { z } from 'zod';
import { FaultEvent, HeartbeatEvent, PassageEvent, ScanEvent } from '../../protocol/messages.js';
import { BarrierState, LoopEvent, ObuRead, PlateRead } from '../../protocol/toll.js';
import type { TollSite } from '../toll/tollSite.js';
import type { DeviceEventKind } from '../../protocol/topics.js';
import { FaultHandler } from './faultHandler.js';
import { HeartbeatHandler } from './heartbeatHandler.js';
import type { DeviceEventHandler } from './laneContext.js';
import { PassageHandler } from './passageHandler.js';
import { ScanHandler } from './scanHandler.js';
import { BarrierStateHandler, LoopEventHandler, ObuReadHandler, PlateReadHandler } from './tollHandlers.js';

export interface DispatchEntry {
  schema: z.ZodType;
  handler: DeviceEventHandler<never>;
}

export type DispatchTable = Partial<Record<DeviceEventKind, DispatchEntry>>;

/** One schema and one handler per device event kind (the shape of aedes lib/handlers). */
export function createDispatchTable(): DispatchTable {
  return {
    scan: { schema: ScanEvent, handler: new ScanHandler() },
    passage: { schema: PassageEvent, handler: new PassageHandler() },
    heartbeat: { schema: HeartbeatEvent, handler: new HeartbeatHandler() },
    fault: { schema: FaultEvent, handler: new FaultHandler() },
  };
}

/** A toll site's table: its devices' reads, loop and barrier events, and the common heartbeat and fault. */
export function createTollDispatchTable(site: TollSite): DispatchTable {
  return {
    obu: { schema: ObuRead, handler: new ObuReadHandler(site) },
    plate: { schema: PlateRead, handler: new PlateReadHandler(site) },
    loop: { schema: LoopEvent, handler: new LoopEventHandler(site) },
    barrier: { schema: BarrierState, handler: new BarrierStateHandler(site) },
    heartbeat: { schema: HeartbeatEvent, handler: new HeartbeatHandler() },
    fault: { schema: FaultEvent, handler: new FaultHandler() },
  };
}
