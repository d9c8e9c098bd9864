import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { acceptsConnections, anyFreePort } from '../runtime/ports.js';

/**
 * A private Mosquitto for the benchmark, configured as ops/mosquitto.conf recommends
 * (set_tcp_nodelay true) on a free loopback port, so the figures do not depend on how the
 * machine's own broker happens to be configured.
 */
export class BenchMosquitto {
  private child: ChildProcess | undefined;
  port = 0;

  constructor(private readonly workDir: string) {}

  /** The broker's process id while it runs (for its CPU time in the report). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.port = await anyFreePort();
    const configFile = join(this.workDir, 'mosquitto.conf');
    writeFileSync(
      configFile,
      ['set_tcp_nodelay true', `listener ${this.port} 127.0.0.1`, 'allow_anonymous true', 'max_inflight_messages 1000', 'max_queued_messages 100000', 'persistence false', 'log_dest stderr', 'log_type error', ''].join('\n'),
    );
    this.child = spawn('mosquitto', ['-c', configFile], { stdio: ['ignore', 'ignore', 'inherit'] });
    const exited = new Promise<never>((_, reject) => this.child!.once('exit', (code) => reject(new Error(`mosquitto exited with ${code}: is the mosquitto package installed?`))));
    this.child.once('error', () => {});
    for (let attempt = 0; attempt < 50; attempt++) {
      if (await Promise.race([acceptsConnections(this.port), exited])) return this;
      await sleep(100);
    }
    throw new Error(`mosquitto did not start listening on ${this.port}`);
  }

  /** Last resort when the benchmark process is exiting anyway: synchronous, no waiting. */
  killNow(): void {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  async close(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

