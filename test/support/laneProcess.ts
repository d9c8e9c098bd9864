import { spawn, type ChildProcess } from 'node:child_process';

/** lanes/main.ts as its own process, as a supervisor runs it; killable at any point. */
export class LaneProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  stderr = '';

  constructor(private readonly env: Record<string, string>) {}

  get running(): boolean {
    return this.child !== undefined;
  }

  async start(): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'lanes/main.ts'], {
      env: { PATH: process.env.PATH ?? '', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.stderr!.on('data', (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-20_000)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`lane process did not get ready: ${this.stderr.slice(-2000)}`)), 20_000);
      child.stdout!.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('lane.ready')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`lane process exited with ${code}: ${this.stderr.slice(-2000)}`));
      });
    });
  }

  async kill(signal: NodeJS.Signals): Promise<void> {
    this.child?.kill(signal);
    await this.exited;
    this.child = undefined;
  }
}
