import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const READY_TIMEOUT_MS = 30_000;
const EXIT_TIMEOUT_MS = 10_000;

/** Every process a fault run started, so that an exiting test process can kill what is left. */
const started = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/**
 * A TypeScript entry point (lanes/main.ts, gateway/main.ts) run as its own process under tsx,
 * with its configuration in its environment, as a supervisor runs it: started again and again,
 * killed with SIGKILL at any point.
 */
export class NodeProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  stderr = '';
  starts = 0;
  kills = 0;

  constructor(readonly name: string, private readonly script: string, private env: Record<string, string>, private readonly readyText: string) {}

  get running(): boolean {
    return this.child !== undefined;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  setEnv(changes: Record<string, string>): void {
    this.env = { ...this.env, ...changes };
  }

  async start(): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', this.script], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.starts++;
    started.add(child);
    this.exited = new Promise((resolve) =>
      child.once('exit', () => {
        started.delete(child);
        if (this.child === child) this.child = undefined;
        resolve();
      }),
    );
    child.stderr!.on('data', (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-20_000)));
    await new Promise<void>((resolve, reject) => {
      let seen = '';
      const timer = setTimeout(() => reject(new Error(`${this.name} did not get ready: ${this.stderr.slice(-2000)}`)), READY_TIMEOUT_MS);
      child.stdout!.on('data', (chunk: Buffer) => {
        seen = (seen + chunk.toString()).slice(-4000);
        if (seen.includes(this.readyText)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited with ${code ?? signal} before it was ready: ${this.stderr.slice(-2000)}`));
      });
    });
  }

  /** SIGKILL: no cleanup of any kind, as a power cut or the OOM killer. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.kills++;
    child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM, orderly close; SIGKILL if it does not exit in time. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), EXIT_TIMEOUT_MS);
    await this.exited;
    clearTimeout(timer);
  }
}
