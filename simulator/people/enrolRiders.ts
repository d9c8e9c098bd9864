import { Phone } from './phone.js';
import { Rider } from './rider.js';
import { RiderApi } from './riderApi.js';
import type { GateQueue } from './gateQueue.js';
import type { RandomSource } from '../random.js';

export interface EnrolRidersOptions {
  gatewayUrl: string;
  count: number;
  /** Each rider's wallet is topped up by this much (idempotent per rider). 0 skips it. */
  topUpMinor: number;
  queue: GateQueue;
  frameShare?: number;
  random?: RandomSource;
  /** Prefix of the riders' names. Default 'Sim rider'. */
  namePrefix?: string;
  fetch?: typeof fetch;
}

/** Signs riders up over the rider API, tops them up, and gives each an enrolled phone. */
export async function enrolRiders(options: EnrolRidersOptions): Promise<Rider[]> {
  const api = new RiderApi(options.gatewayUrl, options.fetch);
  const riders: Rider[] = [];
  for (let index = 1; index <= options.count; index++) {
    const created = await api.createRider({ name: `${options.namePrefix ?? 'Sim rider'} ${index}` });
    if (options.topUpMinor > 0) await api.topUp(created.id, options.topUpMinor, `sim-topup-${created.id}`);
    const phone = new Phone({ fetch: options.fetch });
    await phone.enrol(options.gatewayUrl, created.id, created.accessToken);
    riders.push(new Rider({ id: created.id, phone, queue: options.queue, frameShare: options.frameShare, random: options.random }));
  }
  return riders;
}
