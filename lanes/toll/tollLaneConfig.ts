import { z } from 'zod';
import { PhysicalLane } from '../../protocol/toll.js';
import { ID_PATTERN } from '../../protocol/topics.js';

/**
 * The physical lanes of a toll site and the devices of each (docs/configuration.md,
 * "Lane controller"): the same shape as demo/network.ts TollLaneDefinition, so a demo site's
 * `lanes` can be passed as is, or given as JSON in LANE_TOLL_LANES. Barrier lanes name a barrier,
 * a display and a loop; free-flow lanes an RSU, a camera and optionally a loop.
 */
const deviceId = z.string().regex(ID_PATTERN);

export const TollLaneSchema = z
  .object({
    lane: PhysicalLane,
    direction: z.enum(['entry', 'exit', 'pass']),
    devices: z.object({ rsu: deviceId, camera: deviceId, loop: deviceId.optional(), barrier: deviceId.optional(), display: deviceId.optional() }),
  })
  .refine((lane) => !lane.devices.barrier || lane.devices.loop, { message: 'a barrier lane needs a loop detector to confirm passages' });

export type TollLaneConfig = z.infer<typeof TollLaneSchema>;

export const TollLanesSchema = z.preprocess((value) => {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value; // reported by the array schema below
  }
}, z.array(TollLaneSchema).min(1).refine((lanes) => new Set(lanes.map((lane) => lane.lane)).size === lanes.length, { message: 'physical lanes must be unique' }));
