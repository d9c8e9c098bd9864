import type { GateCommand, PassageEvent, ScanEvent } from '../../protocol/messages.js';
import type { IgnoredCommandReason, ScanAnswer } from './scanExchange.js';
import type { ScanInput } from './scanInput.js';
import { ScanningDevice, type ScanningDeviceOptions } from './scanningDevice.js';
import type { TimerHandle } from '../timers.js';

export type GateDirection = 'entry' | 'exit';

export interface TurnstileOptions extends ScanningDeviceOptions {
  /** A gate that only lets people one way; unset, the rider picks the direction per scan. */
  fixedDirection?: GateDirection;
  /** How long the flaps stay open when a command does not say. Default 8000. */
  defaultOpenForMs?: number;
}

export class GateNotOpenError extends Error {
  readonly code = 'GATE_NOT_OPEN';
  constructor(deviceId: string) {
    super(`gate ${deviceId} is not open`);
    this.name = 'GateNotOpenError';
  }
}

export interface TurnstileCounters {
  scans: number;
  commands: number;
  opened: number;
  denied: number;
  expiredCommandsIgnored: number;
  unmatchedCommands: number;
  duplicateCommands: number;
  malformedCommands: number;
  passed: number;
  tailgates: number;
  timeouts: number;
  /** Passages the gate could not report because it was offline. */
  passagesUnsent: number;
}

const IGNORED_COUNTER = {
  expired: 'expiredCommandsIgnored',
  unmatched: 'unmatchedCommands',
  duplicate: 'duplicateCommands',
  malformed: 'malformedCommands',
} as const satisfies Record<IgnoredCommandReason, keyof TurnstileCounters>;

interface OpenGate {
  decisionId: string;
  timer: TimerHandle;
}

/**
 * A metro gate: QR scanner, flaps and a passage sensor. Emits 'scan' (ScanEvent), 'command'
 * (GateCommand acted on), 'commandIgnored' ({reason, command?}), 'passage' (PassageEvent),
 * 'online' and 'offline'.
 */
export class Turnstile extends ScanningDevice {
  readonly fixedDirection: GateDirection | undefined;
  readonly counters: TurnstileCounters = { scans: 0, commands: 0, opened: 0, denied: 0, expiredCommandsIgnored: 0, unmatchedCommands: 0, duplicateCommands: 0, malformedCommands: 0, passed: 0, tailgates: 0, timeouts: 0, passagesUnsent: 0 };
  private readonly defaultOpenForMs: number;
  private open: OpenGate | undefined;

  constructor(options: TurnstileOptions) {
    super(options, 'turnstile');
    this.fixedDirection = options.fixedDirection;
    this.defaultOpenForMs = options.defaultOpenForMs ?? 8000;
  }

  /** The decision the flaps are open for, if they are. */
  get openFor(): string | undefined {
    return this.open?.decisionId;
  }

  async close(): Promise<void> {
    this.closeFlaps();
    await super.close();
  }

  /** Reads a code (or a camera frame) and resolves with the lane's answer and its round trip. */
  async scan(input: ScanInput, direction?: GateDirection): Promise<ScanAnswer & { scan: ScanEvent }> {
    const chosen = this.fixedDirection ?? direction;
    if (!chosen) throw new RangeError(`gate ${this.deviceId} has no fixed direction: say entry or exit`);
    if (this.fixedDirection && direction && direction !== this.fixedDirection) throw new RangeError(`gate ${this.deviceId} only lets people through as ${this.fixedDirection}`);
    return this.publishScan(input, chosen);
  }

  /** One person walks through the open gate. */
  walkThrough(): Promise<PassageEvent> {
    return this.pass(1);
  }

  /** Someone follows closely behind: the sensor counts two people on one opening. */
  tailgate(): Promise<PassageEvent> {
    return this.pass(2);
  }

  private async pass(count: number): Promise<PassageEvent> {
    const open = this.open;
    if (!open) throw new GateNotOpenError(this.deviceId);
    this.closeFlaps();
    this.counters.passed++;
    if (count > 1) this.counters.tailgates++;
    return this.publishPassage(open.decisionId, 'passed', count);
  }

  protected countScan(): void {
    this.counters.scans++;
  }

  protected countIgnored(reason: IgnoredCommandReason): void {
    this.counters[IGNORED_COUNTER[reason]]++;
  }

  protected actOn(command: GateCommand): void {
    this.counters.commands++;
    if (command.action === 'open') this.openFlaps(command);
    else this.counters.denied++;
  }

  private openFlaps(command: GateCommand): void {
    // One opening at a time: a new one ends the last, and whoever was meant to pass did not.
    const previous = this.open;
    if (previous) {
      this.closeFlaps();
      void this.timeOut(previous.decisionId);
    }
    this.counters.opened++;
    const timer = this.link.timers.setTimeout(() => {
      if (this.open?.decisionId !== command.decisionId) return;
      this.open = undefined;
      void this.timeOut(command.decisionId);
    }, command.openForMs ?? this.defaultOpenForMs);
    this.open = { decisionId: command.decisionId, timer };
  }

  private closeFlaps(): void {
    if (this.open) this.link.timers.clearTimeout(this.open.timer);
    this.open = undefined;
  }

  private async timeOut(decisionId: string): Promise<void> {
    this.counters.timeouts++;
    await this.publishPassage(decisionId, 'timeout', 0).catch(() => {
      this.counters.passagesUnsent++;
    });
  }
}
