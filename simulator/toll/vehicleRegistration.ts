import { RiderApi } from '../people/riderApi.js';
import type { RandomSource } from '../random.js';
import type { SimVehicle } from './vehicle.js';

/**
 * Where the simulated drivers register their vehicles (tag, plate, class) with an account, so
 * that the gateway sends each lane a `vehicle.add` trust change (protocol/laneApi.ts) and tags
 * are known at the plazas (`gatewayFleet`, through the gateway's vehicle API). A vehicle nobody
 * registers is TAG_UNREGISTERED at the lanes (diverted at plazas, recorded at gantries), or
 * PLATE_UNREGISTERED without a tag.
 */
export interface VehicleRegistration {
  /** A short description for the demo's banner. */
  readonly description: string;
  /** Registers the vehicles; resolves with how many are now registered. */
  register(vehicles: readonly SimVehicle[]): Promise<number>;
}

export interface GatewayFleetOptions {
  gatewayUrl: string;
  /** What a funded driver tops up; unfunded drivers run into the advance and arrears. */
  topUpMinor: number;
  /** Share of drivers who put no money in. */
  unfundedShare: number;
  /** Share of vehicles nobody registers (their plate-only passages are listed for the operator). */
  unregisteredShare: number;
  random: RandomSource;
}

/**
 * One driver account per vehicle, over the gateway's API: the account, a top-up for most, and the
 * vehicle with the tag it carries (a moved or tampered tag is registered as it was issued, so the
 * lanes see the mismatch).
 */
export function gatewayFleet(options: GatewayFleetOptions): VehicleRegistration {
  const api = new RiderApi(options.gatewayUrl);
  return {
    description: 'registered to driver accounts through the gateway',
    async register(vehicles) {
      let registered = 0;
      for (const vehicle of vehicles) {
        if (options.random() < options.unregisteredShare) continue;
        const driver = await api.createRider({ name: `Driver of ${vehicle.plate}` });
        if (options.random() >= options.unfundedShare) await api.topUp(driver.id, options.topUpMinor, `demo-fleet-${vehicle.plate}`);
        await api.registerVehicle(driver.id, { plate: vehicle.plate, vehicleClass: vehicle.vehicleClass, ...(vehicle.tag ? { tagId: vehicle.tag.tagId } : {}) });
        registered++;
      }
      return registered;
    },
  };
}
