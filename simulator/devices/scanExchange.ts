import { performance } from 'node:perf_hooks';
import { GateCommand } from '../../protocol/messages.js';
import type { Clock } from '../../protocol/clock.js';
import type { TimerHandle, Timers } from '../timers.js';

export interface ScanAnswer {
  command: GateCommand;
  /** From publishing the scan to receiving its command, measured with performance.now(). */
  rttMs: number;
}

export class NoAnswerError extends Error {
  readonly code = 'GATE_NO_ANSWER';
  constructor(readonly scanMsgId: string, readonly waitedMs: number) {
    super(`no gate command answered scan ${scanMsgId} within ${waitedMs} ms`);
    this.name = 'NoAnswerError';
  }
}

/** Why a received command was not acted on. */
export type IgnoredCommandReason = 'expired' | 'unmatched' | 'duplicate' | 'malformed';

export type CommandVerdict = { accepted: true; command: GateCommand; answer: ScanAnswer } | { accepted: false; reason: IgnoredCommandReason; command?: GateCommand };

interface PendingScan {
  sentAt: number;
  resolve(answer: ScanAnswer): void;
  reject(error: Error): void;
  timer: TimerHandle;
}

const REMEMBERED_COMMAND_IDS = 1000;

/**
 * Pairs scans with the gate commands that answer them (by replyTo), and refuses commands a
 * device must ignore: expired ones ([protocol "Commands"]: a stale command delivered after a
 * reconnect must not open the gate), QoS 1 redeliveries, and answers nobody waits for.
 */
export class ScanExchange {
  private readonly pending = new Map<string, PendingScan>();
  private readonly seenCommandIds = new Set<string>();

  constructor(private readonly clock: Clock, private readonly timers: Timers, private readonly answerTimeoutMs: number) {}

  /** Registers a scan before it is published, so that even an instant answer finds it. */
  expect(scanMsgId: string): Promise<ScanAnswer> {
    return new Promise<ScanAnswer>((resolve, reject) => {
      const timer = this.timers.setTimeout(() => {
        this.pending.delete(scanMsgId);
        reject(new NoAnswerError(scanMsgId, this.answerTimeoutMs));
      }, this.answerTimeoutMs);
      this.pending.set(scanMsgId, { sentAt: performance.now(), resolve, reject, timer });
    });
  }

  /** The scan could not be sent: stop waiting for it. */
  cancel(scanMsgId: string, error: Error): void {
    const scan = this.pending.get(scanMsgId);
    if (!scan) return;
    this.pending.delete(scanMsgId);
    this.timers.clearTimeout(scan.timer);
    scan.reject(error);
  }

  receive(payload: Buffer): CommandVerdict {
    const receivedAt = performance.now();
    let parsed;
    try {
      parsed = GateCommand.safeParse(JSON.parse(payload.toString('utf8')));
    } catch {
      return { accepted: false, reason: 'malformed' };
    }
    if (!parsed.success) return { accepted: false, reason: 'malformed' };
    const command = parsed.data;
    if (this.seenCommandIds.has(command.msgId)) return { accepted: false, reason: 'duplicate', command };
    this.remember(command.msgId);
    if (command.expiresAt <= this.clock.now()) return { accepted: false, reason: 'expired', command };
    const scan = this.pending.get(command.replyTo);
    if (!scan) return { accepted: false, reason: 'unmatched', command };
    this.pending.delete(command.replyTo);
    this.timers.clearTimeout(scan.timer);
    const answer = { command, rttMs: receivedAt - scan.sentAt };
    scan.resolve(answer);
    return { accepted: true, command, answer };
  }

  /** On close: nobody will answer now. */
  rejectAll(error: Error): void {
    for (const id of [...this.pending.keys()]) this.cancel(id, error);
  }

  private remember(msgId: string): void {
    this.seenCommandIds.add(msgId);
    if (this.seenCommandIds.size > REMEMBERED_COMMAND_IDS) {
      const oldest = this.seenCommandIds.values().next().value;
      if (oldest !== undefined) this.seenCommandIds.delete(oldest);
    }
  }
}
