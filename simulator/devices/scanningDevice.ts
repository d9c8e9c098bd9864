import { EventEmitter } from 'node:events';
import { EventAck, PROTOCOL_VERSION, type Direction, type FaultEvent, type GateCommand, type PassageEvent, type ScanEvent } from '../../protocol/messages.js';
import type { TimerHandle } from '../timers.js';
import { DeviceLink, type DeviceLinkOptions } from './deviceLink.js';
import { ScanExchange, type IgnoredCommandReason, type ScanAnswer } from './scanExchange.js';
import type { ScanInput } from './scanInput.js';

/** How long a passage report waits for the lane's cmd/ack before it is sent again. */
const PASSAGE_RESEND_MS = 2000;

export interface ScanningDeviceOptions extends Omit<DeviceLinkOptions, 'kind'> {
  /** How long scan() waits for its command. Default 3000. */
  answerTimeoutMs?: number;
}

/**
 * What every scanning device shares (turnstile, bus validator): its MQTT link, publishing a scan
 * and awaiting the command that answers it, and passage reports. Emits 'scan', 'command',
 * 'commandIgnored' ({reason, command?}), 'passage', 'online', 'offline'.
 */
export abstract class ScanningDevice extends EventEmitter {
  readonly link: DeviceLink;
  protected readonly exchange: ScanExchange;
  private readonly unacked = new Map<string, { event: PassageEvent; sentAt: number }>();
  private resendTimer: TimerHandle | undefined;
  /** Passage reports that could not be published at once (kept, sent when the broker is back). */
  passagesQueued = 0;
  passagesResent = 0;

  constructor(options: ScanningDeviceOptions, kind: DeviceLinkOptions['kind']) {
    super();
    this.link = new DeviceLink({ ...options, kind, commandKinds: options.commandKinds ?? ['gate', 'ack'] });
    this.exchange = new ScanExchange(this.link.clock, this.link.timers, options.answerTimeoutMs ?? 3000);
    this.link.on('command', (payload: Buffer, kind: string) => (kind === 'ack' ? this.onAck(payload) : this.onCommand(payload)));
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
    if (this.resendTimer !== undefined) this.link.timers.clearInterval(this.resendTimer);
    this.resendTimer = undefined;
    this.exchange.rejectAll(new Error(`device ${this.deviceId} closed`));
    await this.link.close();
  }

  /** The socket drops without a goodbye, so the broker fires the last will. */
  goOffline(): void {
    this.link.goOffline();
  }

  reconnect(): Promise<void> {
    return this.link.reconnect();
  }

  publishFault(code: string, severity: FaultEvent['severity'], detail?: string): Promise<FaultEvent> {
    return this.link.publishFault(code, severity, detail);
  }

  /** Publish a scan and resolve with the command that answers it and its round trip. */
  protected async publishScan(input: ScanInput, direction: Direction): Promise<ScanAnswer & { scan: ScanEvent }> {
    const scan: ScanEvent = { v: PROTOCOL_VERSION, msgId: this.link.ids(), ts: this.link.clock.now(), direction, ...input };
    const answer = this.exchange.expect(scan.msgId);
    // Awaited below; while the publish waits for a broker that is away, the answer may time out first.
    answer.catch(() => {});
    try {
      await this.link.publishEvent('scan', scan);
    } catch (error) {
      this.exchange.cancel(scan.msgId, error as Error);
      answer.catch(() => {});
      throw error;
    }
    this.countScan();
    this.emit('scan', scan);
    return { ...(await answer), scan };
  }

  /**
   * Report a passage (or a timeout) and keep it until the lane acknowledges it (docs/protocol.md,
   * "Passage"): a broker that dies after taking it, or is away when the rider goes through, loses
   * nothing; the report goes again, with the same msgId, until cmd/ack names it.
   */
  protected async publishPassage(decisionId: string, outcome: PassageEvent['outcome'], count: number): Promise<PassageEvent> {
    const passage: PassageEvent = { v: PROTOCOL_VERSION, msgId: this.link.ids(), ts: this.link.clock.now(), decisionId, outcome, count };
    this.unacked.set(passage.msgId, { event: passage, sentAt: this.link.clock.now() });
    this.ensureResending();
    await this.link.publishEvent('passage', passage).catch(() => {
      this.passagesQueued++;
    });
    this.emit('passage', passage);
    return passage;
  }

  /** Passage reports the lane has not acknowledged yet. */
  get unacknowledgedPassages(): number {
    return this.unacked.size;
  }

  private ensureResending(): void {
    if (this.resendTimer !== undefined) return;
    this.resendTimer = this.link.timers.setInterval(() => this.resendUnacked(), PASSAGE_RESEND_MS);
  }

  private resendUnacked(): void {
    const now = this.link.clock.now();
    for (const entry of this.unacked.values()) {
      if (now - entry.sentAt < PASSAGE_RESEND_MS || !this.link.online) continue;
      entry.sentAt = now;
      this.passagesResent++;
      this.link.publishEvent('passage', entry.event).catch(() => {});
    }
  }

  private onAck(payload: Buffer): void {
    let ack;
    try {
      ack = EventAck.safeParse(JSON.parse(payload.toString('utf8')));
    } catch {
      return;
    }
    if (ack.success) this.unacked.delete(ack.data.replyTo);
  }

  private onCommand(payload: Buffer): void {
    const verdict = this.exchange.receive(payload);
    if (!verdict.accepted) {
      this.countIgnored(verdict.reason);
      this.emit('commandIgnored', { reason: verdict.reason, command: verdict.command });
      return;
    }
    this.actOn(verdict.command);
    this.emit('command', verdict.command);
  }

  protected abstract countScan(): void;
  protected abstract countIgnored(reason: IgnoredCommandReason): void;
  /** Open the flaps or show green/red: what this kind of device does with a valid command. */
  protected abstract actOn(command: GateCommand): void;
}
