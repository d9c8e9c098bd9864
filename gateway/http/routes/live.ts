import type { RequestHandler } from 'express';
import { principalOf } from '../../access/principal.js';
import type { GatewayContext } from '../../context.js';
import { liveFilterFor } from '../../live/liveScope.js';

/** Open live streams, so the gateway can end them when it closes. */
export class LiveStreams {
  private readonly open = new Set<() => void>();

  /** GET /api/live: Server-Sent Events (decision, lane, passage, journey), only those the caller may see. */
  handler(ctx: GatewayContext): RequestHandler {
    return async (request, response) => {
      const visible = await liveFilterFor(principalOf(response), ctx.catalog);
      if (!response.socket || response.socket.destroyed) return; // gone while the filter was read
      response.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
      // retry: how soon a browser reconnects after the gateway restarts (the default is ~3 s).
      response.write(': turnpike live\nretry: 1000\n\n');
      const unsubscribe = ctx.live.subscribe((event) => {
        if (visible(event)) response.write(`event: ${event.name}\ndata: ${JSON.stringify(event.data)}\n\n`);
      });
      const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), ctx.config.liveKeepAliveMs);
      const end = () => {
        clearInterval(keepAlive);
        unsubscribe();
        this.open.delete(end);
        response.end();
      };
      this.open.add(end);
      request.on('close', end);
    };
  }

  closeAll(): void {
    for (const end of [...this.open]) end();
  }
}
