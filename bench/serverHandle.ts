import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const READY_TIMEOUT_MS = 60_000;
const EXIT_TIMEOUT_MS = 15_000;

/** What serverProcess.ts reports on "stats": lane counters summed, and its own event loop and CPU. */
export interface ServerStats {
  lanes: number;
  opened: number;
  denied: number;
  passed: number;
  timedOut: number;
  expired: number;
  deniedByReason: Record<string, number>;
  handlerErrors: number;
  invalidMessages: number;
  outboxBacklog: number;
  outboxSendFailures: number;
  credentialCache: { hits: number; misses: number };
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  cpu: { user: number; system: number };
  gatewayQueries: { total: number; top: { sql: string; count: number }[] };
}

/**
 * The benchmark's side of serverProcess.ts: starts it under `node --import tsx`, waits for its
 * ready line, asks it for stats, and ends it (stdin closed, then SIGKILL if it does not exit).
 */
export class BenchServer {
  gatewayUrl = '';
  /** A session of the network's viewer, for the live stream (gateway role only). */
  monitorToken: string | undefined;
  private child: ChildProcess | undefined;
  private readonly waiting: ((message: Record<string, unknown>) => void)[] = [];

  get pid(): number | undefined {
    return this.child?.pid;
  }

  constructor(private readonly options: { role: 'gateway' | 'lanes' | 'tolls'; mqttUrl: string; dataDir: string; gatewayUrl?: string; nodeArgs?: string[]; nice?: number; idle?: boolean }) {}

  async start(): Promise<this> {
    const script = join(REPO_ROOT, 'bench', 'serverProcess.ts');
    const args = ['--import', 'tsx', ...(this.options.nodeArgs ?? []), script, this.options.role, this.options.mqttUrl, this.options.dataDir, ...(this.options.gatewayUrl ? [this.options.gatewayUrl] : [])];
    // Through chrt(1) or nice(1), so that every thread of the process (V8's and libuv's too) runs at that priority.
    const nice = this.options.nice ?? 0;
    const [command, commandArgs] = this.options.idle
      ? ['chrt', ['--idle', '0', process.execPath, ...args]]
      : nice === 0 ? [process.execPath, args] : ['nice', ['-n', String(nice), process.execPath, ...args]];
    const child = spawn(command, commandArgs, {
      cwd: REPO_ROOT,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.child = child;
    child.stdin!.on('error', () => {});
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(line) as Record<string, unknown>;
      } catch {
        process.stderr.write(`bench server: ${line}\n`);
        return;
      }
      this.waiting.shift()?.(message);
    });
    const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`bench server not ready within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
      const onExit = (code: number | null) => reject(new Error(`bench server exited with ${code} before it was ready`));
      child.once('exit', onExit);
      child.once('error', reject);
      this.waiting.push((message) => {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve(message);
      });
    }).catch(async (error: unknown) => {
      await this.close();
      throw error;
    });
    if (ready.event !== 'ready') {
      await this.close();
      throw new Error(`bench server said ${JSON.stringify(ready)} instead of ready`);
    }
    this.gatewayUrl = String(ready.gatewayUrl);
    this.monitorToken = typeof ready.monitorToken === 'string' ? ready.monitorToken : undefined;
    return this;
  }

  /** Lane counters, event-loop delay since the last call, and CPU time of the server process. */
  stats(): Promise<ServerStats> {
    const child = this.child;
    if (!child || child.exitCode !== null) return Promise.reject(new Error('bench server is not running'));
    return new Promise((resolve) => {
      this.waiting.push((message) => resolve(message as unknown as ServerStats));
      child.stdin!.write('stats\n');
    });
  }

  /** Last resort when the benchmark process is exiting anyway: synchronous, no waiting. */
  killNow(): void {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  async close(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.stdin!.end();
    const timer = setTimeout(() => {
      process.stderr.write(`bench server did not exit within ${EXIT_TIMEOUT_MS} ms: killing it\n`);
      child.kill('SIGKILL');
    }, EXIT_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }
}
