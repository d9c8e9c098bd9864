import type { Turnstile } from '../simulator/devices/turnstile.js';
import { between, type RandomSource } from '../simulator/random.js';
import { InFlight, runSchedule } from './gateSchedule.js';
import { GateTally } from './gateTally.js';
import type { BenchRider, RiderOutcome, RiderPool } from './riderPool.js';

/** A broker the phase can SIGKILL and start again on the same port. */
export interface KillableBroker {
  kill(): Promise<void>;
  start(): Promise<unknown>;
}

/** up: running and every client back; down: killed; recovering: restarted, clients reconnecting. */
export type BrokerPhase = 'up' | 'down' | 'recovering';

export interface BrokerFaultLoadOptions {
  /** In the order slots go round them (consecutive slots at different stations). */
  gates: readonly Turnstile[];
  pool: RiderPool;
  ratePerS: number;
  kills: number;
  /** Seeds the kill schedule: how long the broker is up before each kill, and how long it stays dead. */
  random: RandomSource;
  broker: KillableBroker;
  upMs: { min: number; max: number };
  downMs: { min: number; max: number };
  /** After a restart: clients reconnect (every 500 ms) and lanes subscribe again. Scans sent then are not "up". */
  recoveryMs: number;
  walkThrough: boolean;
}

export interface BrokerFaultLoadResult {
  /** Scan published to command received, for scans sent while the broker was up and answered before any kill. */
  latenciesMs: number[];
  sentByPhase: Record<BrokerPhase, number>;
  answeredByPhase: Record<BrokerPhase, number>;
  /** Sent while up, but the broker was killed before the answer came. */
  cutByKill: number;
  /** Sent while up, no kill until the turnstile gave up, and still no answer. */
  unansweredWhileUp: number;
  /** Kills made (fewer than asked only if the scan schedule ended first). */
  kills: number;
  downMs: number[];
  elapsedMs: number;
  slotsWithoutRider: number;
  tally: GateTally;
}

/**
 * Decoded-text scans at a steady rate over all gates while the broker is SIGKILLed and restarted
 * `kills` times on a seeded schedule (docs/operations.md, "Benchmark"): what a rider at a gate
 * sees from the lane while the broker is up, around the outages. Each scan is labelled with the
 * broker's phase when it was sent; only scans sent while it was up, and answered before it was
 * killed again, are timed. The rest are counted.
 */
export async function runBrokerFaultLoad(options: BrokerFaultLoadOptions): Promise<BrokerFaultLoadResult> {
  const plan = Array.from({ length: options.kills }, () => ({ upMs: Math.round(between(options.random, options.upMs.min, options.upMs.max)), downMs: Math.round(between(options.random, options.downMs.min, options.downMs.max)) }));
  const tailMs = options.upMs.max;
  const totalMs = plan.reduce((sum, step) => sum + step.upMs + step.downMs + options.recoveryMs, 0) + tailMs;
  const result: BrokerFaultLoadResult = {
    latenciesMs: [], sentByPhase: { up: 0, down: 0, recovering: 0 }, answeredByPhase: { up: 0, down: 0, recovering: 0 }, cutByKill: 0, unansweredWhileUp: 0,
    kills: 0, downMs: plan.map((step) => step.downMs), elapsedMs: 0, slotsWithoutRider: 0, tally: new GateTally(),
  };
  let phase: BrokerPhase = 'up';
  let kills = 0;
  let scheduleDone = false;
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

  const faults = (async () => {
    for (const step of plan) {
      await sleep(step.upMs);
      if (scheduleDone) break;
      kills++;
      phase = 'down';
      await options.broker.kill();
      await sleep(step.downMs);
      await options.broker.start();
      phase = 'recovering';
      await sleep(options.recoveryMs);
      phase = 'up';
    }
  })();

  const scanOnce = async (gate: Turnstile, rider: BenchRider, sentIn: BrokerPhase, killsBefore: number): Promise<RiderOutcome> => {
    const answer = await result.tally.scan(gate, { code: rider.phone.code() }, rider.next);
    const interrupted = kills !== killsBefore;
    if (!answer) {
      if (sentIn === 'up' && interrupted) result.cutByKill++;
      else if (sentIn === 'up') result.unansweredWhileUp++;
      return 'notPassed';
    }
    result.answeredByPhase[sentIn]++;
    if (sentIn === 'up' && interrupted) result.cutByKill++;
    else if (sentIn === 'up') result.latenciesMs.push(answer.rttMs);
    if (answer.command.action !== 'open' || !options.walkThrough) return GateTally.outcomeOf(answer);
    return (await result.tally.walkThrough(gate, answer.command.decisionId)) ? 'passed' : 'notPassed';
  };

  const startedAt = Date.now();
  const inFlight = new InFlight();
  await runSchedule({
    ratePerS: options.ratePerS,
    slots: Math.round((totalMs / 1000) * options.ratePerS),
    fire: (slot) => {
      const rider = options.pool.take();
      if (!rider) {
        result.slotsWithoutRider++;
        return;
      }
      result.sentByPhase[phase]++;
      inFlight.add(scanOnce(options.gates[slot % options.gates.length], rider, phase, kills).then((outcome) => options.pool.give(rider, outcome)));
    },
  });
  scheduleDone = true;
  await faults;
  await inFlight.settle();
  result.kills = kills;
  result.downMs = result.downMs.slice(0, kills);
  result.elapsedMs = Date.now() - startedAt;
  return result;
}
