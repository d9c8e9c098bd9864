import { DisplayCommand } from '../../protocol/toll.js';
import { CommandReceiver } from './commandReceiver.js';
import { TollDevice, type TollDeviceOptions } from './tollDevice.js';

/** The lane's message sign: shows the lines of the last current cmd/display. Emits 'show' (DisplayCommand). */
export class LaneDisplay extends TollDevice {
  lines: string[] = [];
  shown = 0;
  private readonly receiver: CommandReceiver<DisplayCommand>;

  constructor(options: TollDeviceOptions) {
    super(options, 'display', ['display']);
    this.receiver = new CommandReceiver(DisplayCommand, this.link.clock);
    this.link.on('command', (payload: Buffer) => {
      const verdict = this.receiver.receive(payload);
      if (!verdict.accepted) return;
      this.lines = verdict.command.lines;
      this.shown++;
      this.emit('show', verdict.command);
    });
  }
}
