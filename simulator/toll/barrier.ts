import { BarrierCommand, type BarrierState } from '../../protocol/toll.js';
import { CommandReceiver } from './commandReceiver.js';
import { TollDevice, type TollDeviceOptions } from './tollDevice.js';

/**
 * A lane barrier: lifts and lowers on cmd/barrier, reports each position on evt/barrier, and
 * ignores expired, duplicate and malformed commands. Emits 'lift' (BarrierCommand), 'lower' and
 * 'commandIgnored' ({reason, command?}).
 */
export class Barrier extends TollDevice {
  position: BarrierState['state'] = 'down';
  lifts = 0;
  expiredCommandsIgnored = 0;
  private readonly receiver: CommandReceiver<BarrierCommand>;

  constructor(options: TollDeviceOptions) {
    super(options, 'barrier', ['barrier']);
    this.receiver = new CommandReceiver(BarrierCommand, this.link.clock);
    this.link.on('command', (payload: Buffer) => this.onCommand(payload));
  }

  /** Resolves true at the next lift after `liftsBefore`, false if none comes within timeoutMs. */
  waitForLift(liftsBefore: number, timeoutMs: number): Promise<boolean> {
    if (this.lifts > liftsBefore) return Promise.resolve(true);
    return new Promise((resolve) => {
      const onLift = () => {
        this.link.timers.clearTimeout(timer);
        resolve(true);
      };
      const timer = this.link.timers.setTimeout(() => {
        this.off('lift', onLift);
        resolve(false);
      }, timeoutMs);
      this.once('lift', onLift);
    });
  }

  private onCommand(payload: Buffer): void {
    const verdict = this.receiver.receive(payload);
    if (!verdict.accepted) {
      if (verdict.reason === 'expired') this.expiredCommandsIgnored++;
      this.emit('commandIgnored', { reason: verdict.reason, command: verdict.command });
      return;
    }
    const command = verdict.command;
    if (command.lane !== this.lane) return void this.emit('commandIgnored', { reason: 'malformed', command });
    const next = command.action === 'lift' ? 'up' : 'down';
    if (command.action === 'lift') this.lifts++;
    if (this.position !== next) {
      this.position = next;
      const envelope = this.envelope();
      void this.link.publishEvent('barrier', { ...envelope, lane: this.lane, state: next, at: envelope.ts } satisfies BarrierState).catch(() => {});
    }
    this.emit(command.action, command);
  }
}
