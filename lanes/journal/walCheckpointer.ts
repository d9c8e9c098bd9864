import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

// Runs in the worker: one connection and one timer per journal file. PASSIVE never blocks a
// lane's writer; it copies what it can and tries again next time.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const journals = new Map();
const checkpoint = (id, journal) => {
  try { journal.db.pragma('wal_checkpoint(PASSIVE)'); } catch (error) { parentPort.postMessage({ type: 'error', id, message: String(error) }); }
};
parentPort.on('message', (message) => {
  if (message.type === 'add') {
    try {
      const journal = { db: new Database(message.file, { timeout: 1000 }) };
      journal.timer = setInterval(() => checkpoint(message.id, journal), message.intervalMs);
      journals.set(message.id, journal);
    } catch (error) {
      parentPort.postMessage({ type: 'error', id: message.id, message: String(error) });
    }
  } else if (message.type === 'remove') {
    const journal = journals.get(message.id);
    journals.delete(message.id);
    if (journal) {
      clearInterval(journal.timer);
      checkpoint(message.id, journal);
      try { journal.db.close(); } catch {}
    }
    parentPort.postMessage({ type: 'removed', id: message.id });
  }
});
`;

type WorkerMessage = { type: 'error'; id: number; message: string } | { type: 'removed'; id: number };

/** One worker thread checkpoints the journals of every lane in the process. */
class SharedCheckpointWorker {
  private static current: SharedCheckpointWorker | undefined;
  private readonly worker: Worker;
  private readonly onError = new Map<number, (message: string) => void>();
  private readonly removing = new Map<number, () => void>();
  private nextId = 1;

  static get(): SharedCheckpointWorker {
    return (SharedCheckpointWorker.current ??= new SharedCheckpointWorker());
  }

  private constructor() {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver } });
    this.worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'error') this.onError.get(message.id)?.(message.message);
      else this.finishRemoval(message.id);
    });
    this.worker.on('error', (error) => {
      for (const report of this.onError.values()) report(String(error));
    });
    this.worker.on('exit', () => {
      if (SharedCheckpointWorker.current === this) SharedCheckpointWorker.current = undefined;
      for (const id of [...this.removing.keys()]) this.finishRemoval(id);
    });
    // The worker must never keep a lane process alive on its own.
    this.worker.unref();
  }

  add(file: string, intervalMs: number, onError: (message: string) => void): number {
    const id = this.nextId++;
    this.onError.set(id, onError);
    this.worker.postMessage({ type: 'add', id, file, intervalMs });
    return id;
  }

  /** Resolves after the journal's last checkpoint; the worker stops when it has no journal left. */
  remove(id: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.removing.set(id, resolve);
      this.worker.postMessage({ type: 'remove', id });
    });
  }

  private finishRemoval(id: number): void {
    this.onError.delete(id);
    const resolve = this.removing.get(id);
    this.removing.delete(id);
    if (this.onError.size === 0 && SharedCheckpointWorker.current === this) {
      SharedCheckpointWorker.current = undefined;
      void this.worker.terminate();
    }
    resolve?.();
  }
}

/**
 * Moves the journal's WAL checkpoints off the lane's event loop. SQLite's automatic checkpoint
 * runs inside whichever commit crosses 1000 WAL pages, stalling that scan's decision by 4-9 ms
 * (measured on the benchmark's load); here a worker thread, shared by the lanes of the process,
 * checkpoints every intervalMs instead, and the lane's own connection has wal_autocheckpoint = 0.
 */
export class WalCheckpointer {
  private registration: { worker: SharedCheckpointWorker; id: number } | undefined;

  constructor(private readonly file: string, private readonly intervalMs: number, private readonly onError: (message: string) => void) {}

  start(): void {
    if (this.registration) return;
    const worker = SharedCheckpointWorker.get();
    this.registration = { worker, id: worker.add(this.file, this.intervalMs, this.onError) };
  }

  async close(): Promise<void> {
    const registration = this.registration;
    this.registration = undefined;
    if (registration) await registration.worker.remove(registration.id);
  }
}
