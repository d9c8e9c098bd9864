import { EventEmitter } from 'node:events';
import type { TollSiteDefinition } from '../../demo/network.js';
import { between, pick, seededRandom, weighted, type RandomSource } from '../random.js';
import { systemTimers, type TimerHandle, type Timers } from '../timers.js';
import type { LaneBehaviour, LaneOutcome } from './tollLaneDevices.js';
import type { SimulatedTollRoad } from './tollRoad.js';
import { misreadPlate, type SimVehicle } from './vehicle.js';

/**
 * through: plaza to the other plaza past every gantry; uturn: in and out at the same plaza after
 * turning at a junction; junction: joins and leaves at open junctions between gantries.
 */
export type TripKind = 'through' | 'uturn' | 'junction';

export interface TollMisreads {
  cameraMiss: number;
  lowConfidence: number;
  wrongPlate: number;
  tailgate: number;
}

export interface TollTrafficOptions {
  road: SimulatedTollRoad;
  vehicles: readonly SimVehicle[];
  vehiclesPerMinute: number;
  /** Driving time between two consecutive sites. Default 1000..3000 ms. */
  hopMs?: { min: number; max: number };
  /** How long a vehicle stays off the road after a trip before it can start another. Default 0. */
  restMs?: number;
  mix?: Partial<Record<TripKind, number>>;
  misreads?: Partial<TollMisreads>;
  /** Now and then one camera loses power for a while. null: never. */
  cameraOutage?: { everyMs: number; forMs: number } | null;
  seed?: number;
  timers?: Timers;
}

export interface TollTrafficCounters {
  tripsStarted: number;
  tripsFinished: number;
  skippedNoIdleVehicle: number;
  passed: number;
  diverted: number;
  cameraMisses: number;
  lowConfidence: number;
  wrongPlates: number;
  tailgates: number;
  cameraOutages: number;
}

interface Stop {
  site: TollSiteDefinition;
  lane: string;
}

const DEFAULT_MIX: Record<TripKind, number> = { through: 6, uturn: 1, junction: 3 };
const DEFAULT_MISREADS: TollMisreads = { cameraMiss: 0.04, lowConfidence: 0.03, wrongPlate: 0.02, tailgate: 0.01 };

/**
 * Vehicles driving the toll road at a steady rate: trips of several kinds over the road's plazas
 * and gantries, with camera misreads, tailgating and camera outages. Emits 'pass'
 * ({vehicle, siteId, lane, outcome}) at every lane and 'trip' when a vehicle leaves the road.
 */
export class TollTraffic extends EventEmitter {
  readonly counters: TollTrafficCounters = { tripsStarted: 0, tripsFinished: 0, skippedNoIdleVehicle: 0, passed: 0, diverted: 0, cameraMisses: 0, lowConfidence: 0, wrongPlates: 0, tailgates: 0, cameraOutages: 0 };
  private readonly random: RandomSource;
  private readonly timers: Timers;
  private readonly idle: SimVehicle[];
  private readonly plazas: TollSiteDefinition[];
  private readonly gantries: TollSiteDefinition[];
  private readonly trips = new Set<Promise<void>>();
  private readonly sleeping = new Map<TimerHandle, () => void>();
  private readonly misreads: TollMisreads;
  private ticker: TimerHandle | undefined;
  private outageTicker: TimerHandle | undefined;
  private closed = false;

  constructor(private readonly options: TollTrafficOptions) {
    super();
    if (!(options.vehiclesPerMinute > 0)) throw new RangeError('vehiclesPerMinute must be positive');
    this.random = seededRandom(options.seed ?? 11);
    this.timers = options.timers ?? systemTimers;
    this.idle = [...options.vehicles];
    const byOrder = (a: TollSiteDefinition, b: TollSiteDefinition) => a.order - b.order;
    this.plazas = options.road.sites.filter((site) => site.kind === 'plaza').sort(byOrder);
    this.gantries = options.road.sites.filter((site) => site.kind === 'gantry').sort(byOrder);
    this.misreads = { ...DEFAULT_MISREADS, ...options.misreads };
  }

  start(): void {
    this.ticker = this.timers.setInterval(() => this.startTrip(), 60_000 / this.options.vehiclesPerMinute);
    const outage = this.options.cameraOutage === undefined ? { everyMs: 60_000, forMs: 15_000 } : this.options.cameraOutage;
    if (outage && this.gantries.length > 0) this.outageTicker = this.timers.setInterval(() => void this.cameraOutage(outage.forMs), outage.everyMs);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.options.road.halt();
    if (this.ticker !== undefined) this.timers.clearInterval(this.ticker);
    if (this.outageTicker !== undefined) this.timers.clearInterval(this.outageTicker);
    for (const [handle, wake] of this.sleeping) {
      this.timers.clearTimeout(handle);
      wake();
    }
    await Promise.allSettled([...this.trips]);
  }

  /** Start one trip now (the ticker calls this at the configured rate). */
  startTrip(kind?: TripKind): Promise<void> | undefined {
    if (this.closed) return undefined;
    const vehicle = this.idle.splice(Math.floor(this.random() * this.idle.length), 1)[0];
    if (!vehicle) {
      this.counters.skippedNoIdleVehicle++;
      return undefined;
    }
    this.counters.tripsStarted++;
    const trip = this.drive(vehicle, this.plan(kind ?? weighted(this.random, { ...DEFAULT_MIX, ...this.options.mix })))
      .then(() => (this.options.restMs ? this.sleep(this.options.restMs) : undefined))
      .finally(() => {
        this.idle.push(vehicle);
        this.trips.delete(trip);
      });
    this.trips.add(trip);
    return trip;
  }

  private plan(kind: TripKind): Stop[] {
    const lane = (site: TollSiteDefinition, direction: 'entry' | 'exit' | 'pass') => pick(this.random, site.lanes.filter((candidate) => candidate.direction === direction)).lane;
    const gantry = (site: TollSiteDefinition) => ({ site, lane: lane(site, 'pass') });
    if (kind === 'junction' || this.plazas.length === 0) {
      const from = Math.floor(this.random() * this.gantries.length);
      const to = Math.floor(this.random() * this.gantries.length);
      const stretch = this.gantries.slice(Math.min(from, to), Math.max(from, to) + 1);
      return (from <= to ? stretch : stretch.reverse()).map(gantry);
    }
    const start = Math.floor(this.random() * this.plazas.length);
    const home = this.plazas[start];
    const eastbound = start === 0;
    const ordered = eastbound ? this.gantries : [...this.gantries].reverse();
    if (kind === 'uturn') {
      const out = ordered.slice(0, 1 + Math.floor(this.random() * Math.min(3, ordered.length)));
      return [{ site: home, lane: lane(home, 'entry') }, ...out.map(gantry), ...[...out].reverse().map(gantry), { site: home, lane: lane(home, 'exit') }];
    }
    const away = this.plazas[this.plazas.length - 1 - start];
    return [{ site: home, lane: lane(home, 'entry') }, ...ordered.map(gantry), { site: away, lane: lane(away, 'exit') }];
  }

  private async drive(vehicle: SimVehicle, stops: Stop[]): Promise<void> {
    for (const [index, stop] of stops.entries()) {
      if (this.closed) return;
      if (index > 0) await this.sleep(between(this.random, this.options.hopMs?.min ?? 1000, this.options.hopMs?.max ?? 3000));
      if (this.closed) return;
      const outcome: LaneOutcome = await this.options.road.pass(stop.site.id, stop.lane, vehicle, this.behaviour(vehicle)).catch(() => 'diverted' as const);
      this.counters[outcome]++;
      this.emit('pass', { vehicle, siteId: stop.site.id, lane: stop.lane, outcome });
      // Sent to the attendant lane: the trip ends here, as far as the toll lanes can tell.
      if (outcome === 'diverted') break;
    }
    this.counters.tripsFinished++;
    this.emit('trip', vehicle);
  }

  private behaviour(vehicle: SimVehicle): LaneBehaviour {
    const roll = this.random();
    const { cameraMiss, lowConfidence, wrongPlate } = this.misreads;
    const tailgater = this.random() < this.misreads.tailgate;
    if (tailgater) this.counters.tailgates++;
    if (roll < cameraMiss) {
      this.counters.cameraMisses++;
      return { tailgater };
    }
    if (roll < cameraMiss + lowConfidence) {
      this.counters.lowConfidence++;
      return { shot: { confidence: between(this.random, 0.3, 0.7) }, tailgater };
    }
    if (roll < cameraMiss + lowConfidence + wrongPlate) {
      this.counters.wrongPlates++;
      return { shot: { plate: misreadPlate(this.random, vehicle.plate), confidence: 0.85 }, tailgater };
    }
    return { shot: { confidence: between(this.random, 0.85, 0.99) }, tailgater };
  }

  private async cameraOutage(forMs: number): Promise<void> {
    const site = pick(this.random, this.gantries);
    const camera = pick(this.random, this.options.road.lanesOf(site.id)).camera;
    if (!camera.online || this.closed) return;
    this.counters.cameraOutages++;
    camera.goOffline();
    await this.sleep(forMs);
    if (!this.closed) await camera.reconnect().catch(() => {});
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const handle = this.timers.setTimeout(() => {
        this.sleeping.delete(handle);
        resolve();
      }, ms);
      this.sleeping.set(handle, resolve);
    });
  }
}
