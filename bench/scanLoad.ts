import type { Turnstile } from '../simulator/devices/turnstile.js';
import { InFlight, runSchedule } from './gateSchedule.js';
import type { JourneyWatch } from './journeyWatch.js';
import type { BenchRider, RiderOutcome, RiderPool } from './riderPool.js';
import { GateTally } from './gateTally.js';

export interface ScanLoadOptions {
  /** In the order slots go round them (consecutive slots at different stations). */
  gates: readonly Turnstile[];
  pool: RiderPool;
  ratePerS: number;
  warmupS: number;
  measureS: number;
  /** Exits confirmed while measuring are timed to their charge. */
  journeys: JourneyWatch;
  /** False: nobody walks through (the gate times out), so no passage reaches the gateway. */
  walkThrough: boolean;
  /** Called as the first measured slot fires. */
  onMeasuring?: () => void;
}

export interface ScanLoadResult {
  /** Scan published to command received, measured slots only. */
  latenciesMs: number[];
  /** How late the schedule fired each measured slot. */
  lateMs: number[];
  tally: GateTally;
  measuredSlots: number;
  warmupSlots: number;
  /** Slots that found no idle rider (too few riders for the rate): not scanned. */
  slotsWithoutRider: number;
  exitsTimed: number;
}

/**
 * Decoded-text scans at a combined rate over all gates, each with a code the rider's phone
 * signs just before; a rider walks through as soon as the gate opens, so passages flow to the
 * gateway as they do in service. The first warmupS are not measured.
 */
export async function runScanLoad(options: ScanLoadOptions): Promise<ScanLoadResult> {
  const warmupSlots = Math.round(options.warmupS * options.ratePerS);
  const measuredSlots = Math.round(options.measureS * options.ratePerS);
  const result: ScanLoadResult = { latenciesMs: [], lateMs: [], tally: new GateTally(), measuredSlots, warmupSlots, slotsWithoutRider: 0, exitsTimed: 0 };
  const inFlight = new InFlight();

  const scanOnce = async (gate: Turnstile, rider: BenchRider, measuring: boolean): Promise<RiderOutcome> => {
    const direction = rider.next;
    const answer = await result.tally.scan(gate, { code: rider.phone.code() }, direction);
    if (!answer) return 'notPassed';
    if (measuring) result.latenciesMs.push(answer.rttMs);
    if (answer.command.action !== 'open' || !options.walkThrough) return GateTally.outcomeOf(answer);
    const timed = measuring && direction === 'exit';
    if (timed) {
      options.journeys.expect(answer.command.decisionId);
      result.exitsTimed++;
    }
    const passed = await result.tally.walkThrough(gate, answer.command.decisionId);
    if (!passed && timed) options.journeys.forget(answer.command.decisionId);
    return passed ? 'passed' : 'notPassed';
  };

  await runSchedule({
    ratePerS: options.ratePerS,
    slots: warmupSlots + measuredSlots,
    fire: (slot, lateMs) => {
      const measuring = slot >= warmupSlots;
      if (slot === warmupSlots) options.onMeasuring?.();
      if (measuring) result.lateMs.push(lateMs);
      const rider = options.pool.take();
      if (!rider) {
        result.slotsWithoutRider++;
        return;
      }
      const gate = options.gates[slot % options.gates.length];
      inFlight.add(scanOnce(gate, rider, measuring).then((passed) => options.pool.give(rider, passed)));
    },
  });
  await inFlight.settle();
  return result;
}
