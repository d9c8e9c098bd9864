import { Worker } from 'node:worker_threads';

export type FetchFunction = typeof fetch;

export interface HttpRequest {
  method: string;
  url: string;
  /** Already serialised JSON, or none. */
  body?: string;
  /** Bearer token of the lane API (docs/protocol.md, "Authentication and topic access"). */
  token?: string;
  timeoutMs: number;
}

export interface HttpAnswer {
  status: number;
  text: string;
}

/** One HTTP request and its whole answer as text; rejects on network failure or timeout. */
export interface HttpExchange {
  request(request: HttpRequest): Promise<HttpAnswer>;
  close(): Promise<void>;
}

/** On the caller's own event loop, through fetch (tests inject one that fails on purpose). */
export function inThreadExchange(fetchFn: FetchFunction = globalThis.fetch): HttpExchange {
  return {
    async request({ method, url, body, token, timeoutMs }) {
      const response = await fetchFn(url, {
        method,
        headers: requestHeaders(body, token),
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      return { status: response.status, text: await response.text().catch(() => '') };
    },
    async close() {},
  };
}

function requestHeaders(body: string | undefined, token: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  return headers;
}

// Runs in the worker: fetch and read the answer; only the request and its status and text cross threads.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', async ({ id, method, url, body, headers, timeoutMs }) => {
  try {
    const response = await fetch(url, {
      method,
      headers,
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text().catch(() => '');
    parentPort.postMessage({ id, status: response.status, text });
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.cause && error.cause.message) || (error && error.message) || error) });
  }
});
`;

interface Waiting {
  resolve: (answer: HttpAnswer) => void;
  reject: (error: Error) => void;
}

type WorkerAnswer = { id: number; status: number; text: string } | { id: number; error: string };

/**
 * HTTP on a worker thread shared by every lane of the process. A lane's event loop exists to
 * decide scans; fetch (connection handling, streams, timers) cost it a third of its CPU at the
 * benchmark's load and stalled decisions behind each outbox batch. Here the lane only posts the
 * serialised body and reads back the status and text.
 */
class SharedHttpWorker {
  private static current: SharedHttpWorker | undefined;
  private readonly worker: Worker;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;
  private users = 0;

  static acquire(): SharedHttpWorker {
    const shared = (SharedHttpWorker.current ??= new SharedHttpWorker());
    shared.users++;
    return shared;
  }

  private constructor() {
    this.worker = new Worker(WORKER_SOURCE, { eval: true });
    this.worker.on('message', (answer: WorkerAnswer) => this.answer(answer));
    this.worker.on('error', (error) => this.failAll(error));
    this.worker.on('exit', () => {
      if (SharedHttpWorker.current === this) SharedHttpWorker.current = undefined;
      this.failAll(new Error('HTTP worker exited'));
    });
    // Requests in flight keep it referenced (see request); an idle worker never holds the process open.
    this.worker.unref();
  }

  request(request: HttpRequest): Promise<HttpAnswer> {
    const id = this.nextId++;
    return new Promise<HttpAnswer>((resolve, reject) => {
      if (this.waiting.size === 0) this.worker.ref();
      this.waiting.set(id, { resolve, reject });
      const { token, ...rest } = request;
      this.worker.postMessage({ id, ...rest, headers: requestHeaders(request.body, token) });
    });
  }

  async release(): Promise<void> {
    if (--this.users > 0) return;
    if (SharedHttpWorker.current === this) SharedHttpWorker.current = undefined;
    await this.worker.terminate();
  }

  private answer(answer: WorkerAnswer): void {
    const waiting = this.waiting.get(answer.id);
    if (!waiting) return;
    this.waiting.delete(answer.id);
    if (this.waiting.size === 0) this.worker.unref();
    if ('error' in answer) waiting.reject(new Error(answer.error));
    else waiting.resolve({ status: answer.status, text: answer.text });
  }

  private failAll(error: Error): void {
    for (const waiting of this.waiting.values()) waiting.reject(error);
    this.waiting.clear();
  }
}

/** The process's shared HTTP worker; close() lets go of it (the last user stops it). */
export function offThreadExchange(): HttpExchange {
  const shared = SharedHttpWorker.acquire();
  let closed = false;
  return {
    request: (request) => (closed ? Promise.reject(new Error('HTTP exchange closed')) : shared.request(request)),
    async close() {
      if (closed) return;
      closed = true;
      await shared.release();
    },
  };
}
