import type { GateCommand, PassageEvent, ScanEvent } from '../../protocol/messages.js';
import type { ScanAnswer } from './scanExchange.js';
import type { ScanInput } from './scanInput.js';
import { ScanningDevice, type ScanningDeviceOptions } from './scanningDevice.js';

export type BusValidatorOptions = ScanningDeviceOptions;

export interface BoardingResult extends ScanAnswer {
  scan: ScanEvent;
  /** The boarding the validator confirmed, when the command said open. */
  passage?: PassageEvent;
}

export interface BusValidatorCounters {
  scans: number;
  opened: number;
  denied: number;
  ignoredCommands: number;
  boardings: number;
}

/**
 * The validator at a bus's front door. There are no flaps: on open it shows green and the
 * boarding is confirmed at once; on deny it shows red and nothing is recorded. Emits 'scan',
 * 'command', 'commandIgnored', 'passage', 'online', 'offline'.
 */
export class BusValidator extends ScanningDevice {
  readonly counters: BusValidatorCounters = { scans: 0, opened: 0, denied: 0, ignoredCommands: 0, boardings: 0 };

  constructor(options: BusValidatorOptions) {
    super(options, 'validator');
  }

  /** A rider holds up a code; resolves with the answer and, on open, the confirmed boarding. */
  async scan(input: ScanInput): Promise<BoardingResult> {
    const answer = await this.publishScan(input, 'board');
    if (answer.command.action !== 'open') return answer;
    const passage = await this.publishPassage(answer.command.decisionId, 'passed', 1);
    this.counters.boardings++;
    return { ...answer, passage };
  }

  protected countScan(): void {
    this.counters.scans++;
  }

  protected countIgnored(): void {
    this.counters.ignoredCommands++;
  }

  protected actOn(command: GateCommand): void {
    if (command.action === 'open') this.counters.opened++;
    else this.counters.denied++;
  }
}
