import type { RequestHandler } from 'express';
import type { LiveHub } from '../../live/liveHub.js';

/** Open live streams, so the gateway can end them when it closes. */
export class LiveStreams {
  private readonly open = new Set<() => void>();

  /** GET /api/live: Server-Sent Events (decision, lane, passage, journey). */
  handler(live: LiveHub, keepAliveMs: number): RequestHandler {
    return (request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
      // retry: how soon a browser reconnects after the gateway restarts (the default is ~3 s).
      response.write(': turnpike live\nretry: 1000\n\n');
      const unsubscribe = live.subscribe((event) => response.write(`event: ${event.name}\ndata: ${JSON.stringify(event.data)}\n\n`));
      const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), keepAliveMs);
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
