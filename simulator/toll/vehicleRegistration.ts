import type { SimVehicle } from './vehicle.js';

/**
 * Where the simulated drivers register their vehicles (tag, plate, class) with an account, so
 * that the gateway sends each lane a `vehicle.add` trust change (protocol/laneApi.ts) and tags
 * are known at the plazas. The gateway's vehicle API is the place to implement this against;
 * until a gateway offers one, `unregisteredFleet` registers nothing, and the lanes see every tag
 * as TAG_UNREGISTERED (diverted at plazas, recorded at gantries) and every plate-only vehicle
 * as PLATE_UNREGISTERED.
 */
export interface VehicleRegistration {
  /** A short description for the demo's banner. */
  readonly description: string;
  /** Registers the vehicles; resolves with how many are now registered. */
  register(vehicles: readonly SimVehicle[]): Promise<number>;
}

export const unregisteredFleet: VehicleRegistration = {
  description: 'not registered (no vehicle API in this gateway): tags are TAG_UNREGISTERED',
  register: async () => 0,
};
