import { seededRandom, type RandomSource } from '../simulator/random.js';

/**
 * The seed of a fault run: FAULT_SEED replays a run exactly as far as the schedule goes (which
 * kill, when, how long the outage); unset, a fresh one. Every run prints it, so a failure can be
 * replayed with `FAULT_SEED=<n> npm run test:faults`.
 */
export function faultSeed(env: NodeJS.ProcessEnv = process.env): number {
  const given = env.FAULT_SEED;
  if (given !== undefined && given !== '') {
    const seed = Number(given);
    if (!Number.isInteger(seed) || seed < 0) throw new RangeError(`FAULT_SEED must be a non-negative integer, got ${given}`);
    return seed;
  }
  return Math.floor(Math.random() * 2 ** 31);
}

/** A random source for one scenario, derived from the run's seed and the scenario's name. */
export function scenarioRandom(seed: number, scenario: string): RandomSource {
  let hash = seed >>> 0;
  for (const char of scenario) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return seededRandom(hash);
}
