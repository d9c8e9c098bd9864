import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassageBatch, type LaneReport, type PassageRecord, type TrustChange } from '../../../protocol/laneApi.js';
import { TollPassageBatch, type TollPassageRecord } from '../../../protocol/toll.js';

type TrustChangeInput = TrustChange extends infer Change ? (Change extends TrustChange ? Omit<Change, 'version'> : never) : never;

/**
 * Just the lane API of the gateway (protocol/laneApi.ts), in the test: stores passages by id
 * (idempotent, as the real gateway is), serves trust deltas, and can be taken "down".
 */
export class FakeGateway {
  readonly passages = new Map<string, PassageRecord>();
  /** POST /toll-passages, stored by id like passages (same semantics). */
  readonly tollPassages = new Map<string, TollPassageRecord>();
  readonly trustChanges: TrustChange[] = [];
  readonly reports: LaneReport[] = [];
  deliveries = 0;
  duplicateDeliveries = 0;
  trustRequests = 0;
  /** While true, every request answers 503. */
  down = false;
  /** Passage ids to refuse for good. */
  readonly rejectIds = new Set<string>();
  private server: Server | undefined;
  private waiters: { count: number; resolve: () => void }[] = [];
  url = '';

  get trustVersion(): number {
    return this.trustChanges.length === 0 ? 0 : this.trustChanges[this.trustChanges.length - 1].version;
  }

  addTrustChange(change: TrustChangeInput | TrustChange): TrustChange {
    const full = { ...change, version: this.trustVersion + 1 } as TrustChange;
    this.trustChanges.push(full);
    return full;
  }

  async start(): Promise<this> {
    this.server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private get stored(): number {
    return this.passages.size + this.tollPassages.size;
  }

  /** Resolves once at least count distinct passages (gate and toll together) are stored. */
  waitForPassages(count: number, timeoutMs = 20_000): Promise<void> {
    if (this.stored >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${this.stored} of ${count} passages arrived`)), timeoutMs);
      this.waiters.push({ count, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (this.down) return this.answer(response, 503, { error: { code: 'UNAVAILABLE', message: 'down for the test' } });
    const url = new URL(request.url ?? '/', 'http://x');
    if (request.method === 'GET' && url.pathname === '/api/lane/v1/trust') {
      this.trustRequests++;
      const since = Number(url.searchParams.get('since') ?? 0);
      return this.answer(response, 200, { version: this.trustVersion, changes: this.trustChanges.filter((change) => change.version > since) });
    }
    if (request.method === 'POST' && url.pathname === '/api/lane/v1/status') {
      this.reports.push(JSON.parse(Buffer.concat(chunks).toString()) as LaneReport);
      response.writeHead(204).end();
      return;
    }
    const isToll = url.pathname === '/api/lane/v1/toll-passages';
    if (request.method === 'POST' && (url.pathname === '/api/lane/v1/passages' || isToll)) {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as unknown;
      const batch = isToll ? TollPassageBatch.safeParse(body) : PassageBatch.safeParse(body);
      if (!batch.success) return this.answer(response, 400, { error: { code: 'BAD_BATCH', message: batch.error.message } });
      const accepted: string[] = [];
      const rejected: { id: string; code: string; message: string }[] = [];
      for (const passage of batch.data.passages) {
        this.deliveries++;
        if (this.rejectIds.has(passage.id)) {
          rejected.push({ id: passage.id, code: 'TOKEN_UNKNOWN', message: 'refused by the test' });
          continue;
        }
        const store = (isToll ? this.tollPassages : this.passages) as Map<string, typeof passage>;
        if (store.has(passage.id)) this.duplicateDeliveries++;
        else store.set(passage.id, passage);
        accepted.push(passage.id);
      }
      this.answer(response, 200, { accepted, rejected });
      this.waiters = this.waiters.filter((waiter) => (this.stored >= waiter.count ? (waiter.resolve(), false) : true));
      return;
    }
    this.answer(response, 404, { error: { code: 'NOT_FOUND', message: url.pathname } });
  }

  private answer(response: ServerResponse, status: number, body: unknown): void {
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }
}
