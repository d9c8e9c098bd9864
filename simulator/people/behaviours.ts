import type { Turnstile } from '../devices/turnstile.js';
import type { PassageEvent } from '../../protocol/messages.js';

/**
 * How a rider behaves at a gate.
 * - normal: shows a fresh code and walks through.
 * - tailgater: a second person follows through on the same opening (the sensor counts 2).
 * - walkAway: the gate opens and nobody passes; the gate times out.
 * - screenshotReplayer: shows a screenshot of an old or already used code instead of a fresh
 *   one; the lane should deny it as CODE_STALE or CODE_ALREADY_USED.
 */
export type BehaviourName = 'normal' | 'tailgater' | 'walkAway' | 'screenshotReplayer';

export const BEHAVIOURS: readonly BehaviourName[] = ['normal', 'tailgater', 'walkAway', 'screenshotReplayer'];

export const DEFAULT_BEHAVIOUR_MIX: Readonly<Record<BehaviourName, number>> = { normal: 0.88, tailgater: 0.04, walkAway: 0.04, screenshotReplayer: 0.04 };

/** What the rider did once the gate opened. */
export type PassageAction = 'walkedThrough' | 'tailgated' | 'walkedAway';

export async function actAtOpenGate(behaviour: BehaviourName, gate: Turnstile): Promise<{ action: PassageAction; passage?: PassageEvent }> {
  if (behaviour === 'walkAway') return { action: 'walkedAway' };
  if (behaviour === 'tailgater') return { action: 'tailgated', passage: await gate.tailgate() };
  return { action: 'walkedThrough', passage: await gate.walkThrough() };
}
