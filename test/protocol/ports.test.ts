import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { listenOn, PortInUseError } from '../../runtime/ports.js';

describe('embedded ports', () => {
  it('when the port is taken, then start-up fails with one line naming the port, what holds it and the variable to change', async () => {
    const holder = createServer();
    const port = await listenOn(holder, 0, 'holder', 'NONE');
    const second = createServer();
    try {
      await assert.rejects(listenOn(second, port, 'The embedded MQTT broker', 'TURNPIKE_BROKER_PORT'), (error: unknown) => {
        assert.ok(error instanceof PortInUseError);
        assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
        assert.match(error.message, /TURNPIKE_BROKER_PORT/);
        // This test process holds it; on Linux the message names it.
        if (process.platform === 'linux') assert.match(error.message, new RegExp(`\\(pid ${process.pid}\\)`));
        assert.ok(!error.message.includes('\n'));
        return true;
      });
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });
});
