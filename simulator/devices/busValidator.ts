import { EventEmitter } from 'node:events';
import { PROTOCOL_VERSION, type FaultEvent, type PassageEvent, type ScanEvent } from '../../protocol/messages.js';
import { DeviceLink, type DeviceLinkOptions } from './deviceLink.js';
import { ScanExchange, type ScanAnswer } from './scanExchange.js';
import type { ScanInput } from './scanInput.js';

export interface BusValidatorOptions extends Omit<DeviceLinkOptions, 'kind'> {
  /** How long scan() waits for its command. Default 3000. */
  answerTimeoutMs?: number;
}

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
export class BusValidator extends EventEmitter {
  readonly link: DeviceLink;
  readonly counters: BusValidatorCounters = { scans: 0, opened: 0, denied: 0, ignoredCommands: 0, boardings: 0 };
  private readonly exchange: ScanExchange;

  constructor(options: BusValidatorOptions) {
    super();
    this.link = new DeviceLink({ ...options, kind: 'validator' });
    this.exchange = new ScanExchange(this.link.clock, this.link.timers, options.answerTimeoutMs ?? 3000);
    this.link.on('command', (payload: Buffer) => this.onCommand(payload));
    this.link.on('online', () => this.emit('online'));
    this.link.on('offline', () => this.emit('offline'));
  }

  get siteId(): string {
    return this.link.siteId;
  }

  get deviceId(): string {
    return this.link.deviceId;
  }

  get online(): boolean {
    return this.link.online;
  }

  start(): Promise<void> {
    return this.link.start();
  }

  async close(): Promise<void> {
    this.exchange.rejectAll(new Error(`validator ${this.deviceId} closed`));
    await this.link.close();
  }

  goOffline(): void {
    this.link.goOffline();
  }

  reconnect(): Promise<void> {
    return this.link.reconnect();
  }

  publishFault(code: string, severity: FaultEvent['severity'], detail?: string): Promise<FaultEvent> {
    return this.link.publishFault(code, severity, detail);
  }

  /** A rider holds up a code; resolves with the answer and, on open, the confirmed boarding. */
  async scan(input: ScanInput): Promise<BoardingResult> {
    const scan: ScanEvent = { v: PROTOCOL_VERSION, msgId: this.link.ids(), ts: this.link.clock.now(), direction: 'board', ...input };
    const pending = this.exchange.expect(scan.msgId);
    try {
      await this.link.publishEvent('scan', scan);
    } catch (error) {
      this.exchange.cancel(scan.msgId, error as Error);
      pending.catch(() => {});
      throw error;
    }
    this.counters.scans++;
    this.emit('scan', scan);
    const answer = await pending;
    if (answer.command.action !== 'open') return { ...answer, scan };
    const passage: PassageEvent = { v: PROTOCOL_VERSION, msgId: this.link.ids(), ts: this.link.clock.now(), decisionId: answer.command.decisionId, outcome: 'passed', count: 1 };
    await this.link.publishEvent('passage', passage);
    this.counters.boardings++;
    this.emit('passage', passage);
    return { ...answer, scan, passage };
  }

  private onCommand(payload: Buffer): void {
    const verdict = this.exchange.receive(payload);
    if (!verdict.accepted) {
      this.counters.ignoredCommands++;
      this.emit('commandIgnored', { reason: verdict.reason, command: verdict.command });
      return;
    }
    if (verdict.command.action === 'open') this.counters.opened++;
    else this.counters.denied++;
    this.emit('command', verdict.command);
  }
}
