import type { BusValidator } from '../devices/busValidator.js';
import type { ScanAnswer } from '../devices/scanExchange.js';
import type { ScanInput } from '../devices/scanInput.js';
import type { GateDirection, Turnstile } from '../devices/turnstile.js';
import { frameToScanPayload, renderFrame } from '../frames/renderFrame.js';
import type { RandomSource } from '../random.js';
import { actAtOpenGate, type BehaviourName, type PassageAction } from './behaviours.js';
import { GateQueue } from './gateQueue.js';
import type { Phone } from './phone.js';

export interface RiderOptions {
  /** The gateway's rider id (or any label, without a gateway). */
  id: string;
  phone: Phone;
  /** Shared by all riders, so that people take turns at a gate. Default: the rider's own. */
  queue?: GateQueue;
  /** Share of scans sent as a camera frame instead of decoded text, 0..1. Default 0. */
  frameShare?: number;
  /** Default Math.random. */
  random?: RandomSource;
  /** How old a screenshot the replayer shows when it has none to hand. Default 300 000. */
  staleScreenshotAgeMs?: number;
}

export interface ActionOptions {
  behaviour?: BehaviourName;
  /** Show this code instead of a fresh one (a screenshot replayer's loot). */
  code?: string;
}

/** What happened at one gate or validator. */
export interface RiderActionResult {
  riderId: string;
  behaviour: BehaviourName;
  siteId: string;
  deviceId: string;
  direction: GateDirection | 'board';
  code: string;
  /** false when no command answered (lane down) or the device was offline. */
  commandReceived: boolean;
  action?: 'open' | 'deny';
  reason?: string;
  decisionId?: string;
  rttMs?: number;
  /** What the rider did after an open; 'boarded' on a bus. */
  passage?: PassageAction | 'boarded';
  /** Stable code of what went wrong on the rider's side (GATE_NO_ANSWER, DEVICE_OFFLINE, ...). */
  error?: string;
}

export class Rider {
  readonly id: string;
  readonly phone: Phone;
  private readonly queue: GateQueue;
  private readonly random: RandomSource;

  constructor(private readonly options: RiderOptions) {
    this.id = options.id;
    this.phone = options.phone;
    this.queue = options.queue ?? new GateQueue();
    this.random = options.random ?? Math.random;
  }

  /** At a metro gate: scan as entry and, if it opens, act as the behaviour says. */
  tapIn(gate: Turnstile, options: ActionOptions = {}): Promise<RiderActionResult> {
    return this.atGate(gate, 'entry', options);
  }

  tapOut(gate: Turnstile, options: ActionOptions = {}): Promise<RiderActionResult> {
    return this.atGate(gate, 'exit', options);
  }

  /** At a bus validator: the validator confirms the boarding itself on open. */
  board(validator: BusValidator, options: ActionOptions = {}): Promise<RiderActionResult> {
    const behaviour = options.behaviour ?? 'normal';
    return this.queue.run(validator.deviceId, async () => {
      const code = this.codeToShow(behaviour, options.code);
      const result = this.blank(behaviour, validator, 'board', code);
      try {
        const boarding = await validator.scan(this.scanInput(code));
        return { ...this.answered(result, boarding), passage: boarding.passage ? 'boarded' : undefined };
      } catch (error) {
        return { ...result, error: errorCode(error) };
      }
    });
  }

  private atGate(gate: Turnstile, direction: GateDirection, options: ActionOptions): Promise<RiderActionResult> {
    const behaviour = options.behaviour ?? 'normal';
    return this.queue.run(gate.deviceId, async () => {
      const code = this.codeToShow(behaviour, options.code);
      const result = this.blank(behaviour, gate, direction, code);
      let answered: RiderActionResult;
      try {
        answered = this.answered(result, await gate.scan(this.scanInput(code), gate.fixedDirection ? undefined : direction));
      } catch (error) {
        return { ...result, error: errorCode(error) };
      }
      if (answered.action !== 'open') return answered;
      try {
        return { ...answered, passage: (await actAtOpenGate(behaviour, gate)).action };
      } catch (error) {
        return { ...answered, error: errorCode(error) };
      }
    });
  }

  private codeToShow(behaviour: BehaviourName, given: string | undefined): string {
    if (given !== undefined) return given;
    if (behaviour !== 'screenshotReplayer') return this.phone.code();
    return this.phone.screenshotCode ?? this.phone.screenshot(this.phone.clock.now() - (this.options.staleScreenshotAgeMs ?? 300_000));
  }

  private scanInput(code: string): ScanInput {
    const frameShare = this.options.frameShare ?? 0;
    if (frameShare > 0 && this.random() < frameShare) return { frame: frameToScanPayload(renderFrame(code, { seed: Math.floor(this.random() * 2 ** 31) })) };
    return { code };
  }

  private blank(behaviour: BehaviourName, device: { siteId: string; deviceId: string }, direction: RiderActionResult['direction'], code: string): RiderActionResult {
    return { riderId: this.id, behaviour, siteId: device.siteId, deviceId: device.deviceId, direction, code, commandReceived: false };
  }

  private answered(result: RiderActionResult, answer: ScanAnswer): RiderActionResult {
    const { command, rttMs } = answer;
    return { ...result, commandReceived: true, action: command.action, reason: command.reason, decisionId: command.decisionId, rttMs };
  }
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
}
