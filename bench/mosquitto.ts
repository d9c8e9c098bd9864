import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { acceptsConnections, anyFreePort } from '../runtime/ports.js';

/**
 * A private Mosquitto for the benchmark, configured as ops/mosquitto.conf recommends
 * (set_tcp_nodelay true) on a free loopback port, so the figures do not depend on how the
 * machine's own broker happens to be configured. The broker-fault phase SIGKILLs it and starts
 * it again on the same port.
 */
export class BenchMosquitto {
  private child: ChildProcess | undefined;
  port = 0;
  kills = 0;

  constructor(private readonly workDir: string) {}

  /** The broker's process id while it runs (for its CPU time in the report). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    if (this.port === 0) this.port = await anyFreePort();
    const configFile = join(this.workDir, 'mosquitto.conf');
    writeFileSync(
      configFile,
      ['set_tcp_nodelay true', `listener ${this.port} 127.0.0.1`, 'allow_anonymous true', 'max_inflight_messages 1000', 'max_queued_messages 100000', 'persistence false', 'log_dest stderr', 'log_type error', ''].join('\n'),
    );
    const child = spawn('mosquitto', ['-c', configFile], { stdio: ['ignore', 'ignore', 'inherit'] });
    this.child = child;
    let failed: Error | undefined;
    child.once('error', (error) => (failed = error));
    // After a SIGKILL the port may linger a moment in the kernel: keep trying for a few seconds.
    for (let attempt = 0; attempt < 50; attempt++) {
      if (failed || child.exitCode !== null) throw new Error(`mosquitto ${failed ? `could not start (${failed.message})` : `exited with ${child.exitCode}`}: is the mosquitto package installed?`);
      if (await acceptsConnections(this.port)) return this;
      await sleep(100);
    }
    throw new Error(`mosquitto did not start listening on ${this.port}`);
  }

  /** The broker dies without a word (SIGKILL): every client connection drops, nothing is saved. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    this.kills++;
  }

  /** Last resort when the benchmark process is exiting anyway: synchronous, no waiting. */
  killNow(): void {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  async close(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

