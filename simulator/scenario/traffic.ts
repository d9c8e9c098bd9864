import { EventEmitter } from 'node:events';
import type { SiteDefinition } from '../../demo/network.js';
import { systemClock, type Clock } from '../../protocol/clock.js';
import type { SimulatedNetwork } from '../network.js';
import { DEFAULT_BEHAVIOUR_MIX, type BehaviourName } from '../people/behaviours.js';
import type { Rider, RiderActionResult } from '../people/rider.js';
import { between, pick, seededRandom, weighted, type RandomSource } from '../random.js';
import { systemTimers, type TimerHandle, type Timers } from '../timers.js';
import { countAction, emptyTrafficCounters, type TrafficCounters } from './trafficCounters.js';

export interface TrafficOptions {
  network: SimulatedNetwork;
  /** The people who travel; a rider makes one journey at a time. */
  riders: readonly Rider[];
  journeysPerMinute: number;
  /** Relative weights; missing behaviours weigh 0. Default DEFAULT_BEHAVIOUR_MIX. */
  behaviourMix?: Partial<Record<BehaviourName, number>>;
  /** Share of journeys made by bus, 0..1. Default 0.25 (0 when the network has no bus). */
  busShare?: number;
  /** Time on the train between tap-in and tap-out. Default 2000..8000 ms. */
  rideMs?: { min: number; max: number };
  /** Codes that opened a gate are kept this long for screenshot replayers to reuse. Default 20 000. */
  replayWindowMs?: number;
  seed?: number;
  timers?: Timers;
  clock?: Clock;
}

export interface JourneyResult {
  riderId: string;
  mode: 'metro' | 'bus';
  behaviour: BehaviourName;
  actions: RiderActionResult[];
}

/**
 * Riders travelling across the network at a steady rate with a mix of behaviours. Emits
 * 'action' (RiderActionResult) for every scan and 'journey' (JourneyResult) when one ends.
 */
export class Traffic extends EventEmitter {
  readonly counters: TrafficCounters = emptyTrafficCounters();
  private readonly random: RandomSource;
  private readonly timers: Timers;
  private readonly clock: Clock;
  private readonly idle: Rider[];
  private readonly inFlight = new Set<Promise<JourneyResult>>();
  private readonly sleeping = new Map<TimerHandle, () => void>();
  private readonly usedCodes = new Map<string, { code: string; atMs: number }[]>();
  private ticker: TimerHandle | undefined;
  private closed = false;

  constructor(private readonly options: TrafficOptions) {
    super();
    if (!(options.journeysPerMinute > 0)) throw new RangeError('journeysPerMinute must be positive');
    this.random = seededRandom(options.seed ?? 42);
    this.timers = options.timers ?? systemTimers;
    this.clock = options.clock ?? systemClock;
    this.idle = [...options.riders];
  }

  start(): void {
    const periodMs = 60_000 / this.options.journeysPerMinute;
    this.ticker = this.timers.setInterval(() => {
      const rider = this.idle.length > 0 ? this.idle.splice(Math.floor(this.random() * this.idle.length), 1)[0] : undefined;
      if (!rider) this.counters.skippedNoIdleRider++;
      else void this.track(rider);
    }, periodMs);
  }

  /** Stops new journeys, cuts short the rides under way, and waits for riders at gates. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.ticker !== undefined) this.timers.clearInterval(this.ticker);
    this.ticker = undefined;
    for (const [handle, wake] of this.sleeping) {
      this.timers.clearTimeout(handle);
      wake();
    }
    this.sleeping.clear();
    await Promise.allSettled([...this.inFlight]);
  }

  /** One journey by this rider, now; what the ticker runs, and what tests call directly. */
  async journey(rider: Rider, behaviour: BehaviourName = this.pickBehaviour(), mode: 'metro' | 'bus' = this.pickMode()): Promise<JourneyResult> {
    this.counters.journeysStarted++;
    const result: JourneyResult = { riderId: rider.id, mode, behaviour, actions: [] };
    const record = (action: RiderActionResult) => {
      result.actions.push(action);
      countAction(this.counters, action);
      if (action.action === 'open' && action.behaviour !== 'screenshotReplayer') this.rememberCode(action.siteId, action.code);
      this.emit('action', action);
      return action;
    };
    if (mode === 'bus') {
      const bus = pick(this.random, this.options.network.buses);
      record(await rider.board(pick(this.random, this.options.network.validatorsAt(bus.id)), { behaviour, code: this.replayCode(behaviour, bus.id) }));
    } else {
      const [from, to] = this.pickStations();
      const entry = record(await rider.tapIn(this.gateAt(from, 'entry'), { behaviour, code: this.replayCode(behaviour, from.id) }));
      // Walk-aways never went in; replayers who got in leave by another way; both end here.
      const rideOn = entry.passage === 'walkedThrough' || entry.passage === 'tailgated';
      if (rideOn && behaviour !== 'screenshotReplayer' && (await this.sleep(this.rideMs()))) {
        record(await rider.tapOut(this.gateAt(to, 'exit'), { behaviour: 'normal' }));
      }
    }
    this.counters.journeysFinished++;
    this.emit('journey', result);
    return result;
  }

  private async track(rider: Rider): Promise<void> {
    const run = this.journey(rider);
    this.inFlight.add(run);
    try {
      await run;
    } catch (error) {
      this.emit('journeyFailed', error);
    } finally {
      this.inFlight.delete(run);
      this.idle.push(rider);
    }
  }

  private pickBehaviour(): BehaviourName {
    return weighted(this.random, { ...(this.options.behaviourMix ? zeroMix() : DEFAULT_BEHAVIOUR_MIX), ...this.options.behaviourMix });
  }

  private pickMode(): 'metro' | 'bus' {
    const { network } = this.options;
    if (network.buses.length === 0) return 'metro';
    if (network.metroStations.length < 2) return 'bus';
    return this.random() < (this.options.busShare ?? 0.25) ? 'bus' : 'metro';
  }

  private pickStations(): [SiteDefinition, SiteDefinition] {
    const stations = this.options.network.metroStations;
    const from = pick(this.random, stations);
    const to = pick(this.random, stations.filter((station) => station.id !== from.id));
    return [from, to];
  }

  private gateAt(station: SiteDefinition, direction: 'entry' | 'exit') {
    const gates = this.options.network.turnstilesAt(station.id).filter((gate) => !gate.fixedDirection || gate.fixedDirection === direction);
    return pick(this.random, gates);
  }

  private rideMs(): number {
    const { min, max } = this.options.rideMs ?? { min: 2000, max: 8000 };
    return Math.round(between(this.random, min, max));
  }

  /** A replayer shows a code that recently opened a gate at this site, if there is one. */
  private replayCode(behaviour: BehaviourName, siteId: string): string | undefined {
    if (behaviour !== 'screenshotReplayer') return undefined;
    const windowMs = this.options.replayWindowMs ?? 20_000;
    const recent = (this.usedCodes.get(siteId) ?? []).filter((used) => used.atMs >= this.clock.now() - windowMs);
    return recent.length > 0 ? pick(this.random, recent).code : undefined;
  }

  private rememberCode(siteId: string, code: string): void {
    const list = this.usedCodes.get(siteId) ?? [];
    list.push({ code, atMs: this.clock.now() });
    this.usedCodes.set(siteId, list.slice(-20));
  }

  /** Resolves true after `ms`, or false at once if the traffic closes first. */
  private sleep(ms: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const handle = this.timers.setTimeout(() => {
        this.sleeping.delete(handle);
        resolve(!this.closed);
      }, ms);
      this.sleeping.set(handle, () => resolve(false));
    });
  }
}

function zeroMix(): Record<BehaviourName, number> {
  return { normal: 0, tailgater: 0, walkAway: 0, screenshotReplayer: 0 };
}
