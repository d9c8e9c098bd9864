import type { GateDirection } from '../simulator/devices/turnstile.js';
import { Phone } from '../simulator/people/phone.js';
import { RiderApi } from '../simulator/people/riderApi.js';
import type { RandomSource } from '../simulator/random.js';

/** A rider of the benchmark: an enrolled phone, and which way they go through next. */
export interface BenchRider {
  riderId: string;
  phone: Phone;
  next: GateDirection;
}

export type RiderOutcome = 'passed' | 'notPassed' | 'alreadyIn';

const ENROL_CONCURRENCY = 8;

/**
 * Riders waiting to use a gate. Each alternates entry and exit, so passback never denies them;
 * who comes next is drawn from the front of the queue, so that a rider does not keep meeting
 * the same gate.
 */
export class RiderPool {
  private readonly idle: BenchRider[];

  constructor(riders: BenchRider[], private readonly random: RandomSource, private readonly drawFrom = 16) {
    this.idle = [...riders];
  }

  get idleCount(): number {
    return this.idle.length;
  }

  take(): BenchRider | undefined {
    if (this.idle.length === 0) return undefined;
    const index = Math.floor(this.random() * Math.min(this.drawFrom, this.idle.length));
    return this.idle.splice(index, 1)[0];
  }

  /**
   * Back in the queue. 'passed': their next scan is the other way. 'alreadyIn': the lane says
   * they are in (a passage of theirs was recorded although they were not let through, as when a
   * gate reopened for the next rider before they stepped in), so they leave next.
   */
  give(rider: BenchRider, outcome: RiderOutcome): void {
    if (outcome === 'passed') rider.next = rider.next === 'entry' ? 'exit' : 'entry';
    if (outcome === 'alreadyIn') rider.next = 'exit';
    this.idle.push(rider);
  }
}

/** Sign riders up through the gateway's rider API (a few at a time), top them up, enrol a phone each. */
export async function enrolBenchRiders(gatewayUrl: string, count: number, topUpMinor: number): Promise<BenchRider[]> {
  const api = new RiderApi(gatewayUrl);
  const riders: BenchRider[] = [];
  let nextIndex = 0;
  const worker = async () => {
    while (nextIndex < count) {
      const index = ++nextIndex;
      const created = await api.createRider({ name: `Bench rider ${index}` });
      if (topUpMinor > 0) await api.topUp(created.id, topUpMinor, `bench-topup-${created.id}`);
      const phone = new Phone();
      await phone.enrol(gatewayUrl, created.id, created.accessToken);
      riders.push({ riderId: created.id, phone, next: 'entry' });
    }
  };
  await Promise.all(Array.from({ length: ENROL_CONCURRENCY }, worker));
  return riders;
}
