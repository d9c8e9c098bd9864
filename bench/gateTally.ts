import type { GateDirection, Turnstile } from '../simulator/devices/turnstile.js';
import type { ScanAnswer } from '../simulator/devices/scanExchange.js';
import type { ScanInput } from '../simulator/devices/scanInput.js';
import type { RiderOutcome } from './riderPool.js';

/** What the gates saw over a phase: opened, denied by reason, and what went wrong, by error code. */
export class GateTally {
  scans = 0;
  opened = 0;
  denied = 0;
  readonly deniedByReason: Record<string, number> = {};
  passages = 0;
  readonly failures: Record<string, number> = {};

  get failureCount(): number {
    return Object.values(this.failures).reduce((total, count) => total + count, 0);
  }

  /** A scan and its answer; undefined (and counted) when no answer came. */
  async scan(gate: Turnstile, input: ScanInput, direction: GateDirection): Promise<ScanAnswer | undefined> {
    this.scans++;
    try {
      const answer = await gate.scan(input, direction);
      if (answer.command.action === 'open') this.opened++;
      else {
        this.denied++;
        const reason = answer.command.reason ?? 'UNKNOWN';
        this.deniedByReason[reason] = (this.deniedByReason[reason] ?? 0) + 1;
      }
      return answer;
    } catch (error) {
      this.fail(error);
      return undefined;
    }
  }

  /**
   * The rider walks through the gate opened for decisionId; false (and counted) if it is no
   * longer open for them (a later command reopened it first) or the passage could not be reported.
   */
  async walkThrough(gate: Turnstile, decisionId: string): Promise<boolean> {
    if (gate.openFor !== decisionId) {
      this.failures.GATE_REOPENED_FOR_NEXT = (this.failures.GATE_REOPENED_FOR_NEXT ?? 0) + 1;
      return false;
    }
    try {
      await gate.walkThrough();
      this.passages++;
      return true;
    } catch (error) {
      this.fail(error);
      return false;
    }
  }

  /** What a denied or unanswered scan means for the rider's next direction. */
  static outcomeOf(answer: ScanAnswer | undefined): RiderOutcome {
    return answer?.command.reason === 'PASSBACK_ENTRY_AFTER_ENTRY' ? 'alreadyIn' : 'notPassed';
  }

  private fail(error: unknown): void {
    const code = (error as { code?: unknown }).code;
    const key = typeof code === 'string' ? code : (error as Error).name ?? 'Error';
    this.failures[key] = (this.failures[key] ?? 0) + 1;
  }
}
