import { get, type ClientRequest } from 'node:http';

export type LiveListener = (data: unknown, receivedAtMs: number) => void;

/**
 * A client of the gateway's live stream (GET /api/live, Server-Sent Events). Only the event
 * names someone listens to are parsed: decisions and passages stream by hundreds a second.
 */
export class LiveStream {
  private request: ClientRequest | undefined;
  private buffer = '';
  private readonly listeners = new Map<string, LiveListener[]>();

  constructor(private readonly gatewayUrl: string, private readonly token?: string) {}

  on(name: string, listener: LiveListener): this {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), listener]);
    return this;
  }

  start(): Promise<this> {
    return new Promise((resolve, reject) => {
      const request = get(new URL('/api/live', this.gatewayUrl), { headers: this.token ? { authorization: `Bearer ${this.token}` } : {} }, (response) => {
        if (response.statusCode !== 200) {
          reject(new Error(`GET /api/live answered ${response.statusCode}`));
          response.resume();
          return;
        }
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => this.receive(chunk));
        response.on('error', () => {});
        resolve(this);
      });
      request.on('error', reject);
      this.request = request;
    });
  }

  close(): void {
    this.request?.destroy();
    this.request = undefined;
  }

  private receive(chunk: string): void {
    const receivedAtMs = performance.now();
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      if (!block.startsWith('event: ')) continue;
      const nameEnd = block.indexOf('\n');
      const listeners = this.listeners.get(block.slice('event: '.length, nameEnd));
      if (!listeners) continue;
      const data = JSON.parse(block.slice(block.indexOf('data: ', nameEnd) + 'data: '.length)) as unknown;
      for (const listener of listeners) listener(data, receivedAtMs);
    }
  }
}
