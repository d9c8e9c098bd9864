import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { acceptsConnections, anyFreePort } from '../runtime/ports.js';

export const MOSQUITTO_BINARY = process.env.MOSQUITTO_BIN || '/usr/sbin/mosquitto';

export interface MosquittoOptions {
  /**
   * Keep sessions and queued messages in a file, saved every autosaveIntervalS, so a broker that
   * is killed comes back with the lanes' persistent sessions (see docs/operations.md, "Fault
   * harness"). Off by default, as in ops/mosquitto.conf.
   */
  persistence?: boolean;
  autosaveIntervalS?: number;
  /** Require logins and enforce topic rules with these files (npm run mqtt:credentials); absent, anonymous. */
  access?: { passwordFile: string; aclFile: string };
}

/**
 * A private Mosquitto on a free loopback port, configured as ops/mosquitto.conf is, that can be
 * SIGKILLed and started again on the same port: the broker a fault scenario kills. Never the
 * machine's own broker.
 */
export class MosquittoBroker {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  port = 0;
  kills = 0;

  constructor(private readonly workDir: string, private readonly options: MosquittoOptions = {}) {}

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  async start(): Promise<this> {
    if (this.port === 0) this.port = await anyFreePort();
    const configFile = join(this.workDir, 'mosquitto.conf');
    const lines = ['per_listener_settings false', 'set_tcp_nodelay true', `listener ${this.port} 127.0.0.1`, ...this.accessLines(), 'max_inflight_messages 100', 'max_queued_messages 100000'];
    if (this.options.persistence) lines.push('persistence true', `persistence_location ${this.workDir}/`, `autosave_interval ${this.options.autosaveIntervalS ?? 1}`);
    else lines.push('persistence false');
    lines.push('log_dest stderr', 'log_type error', '');
    writeFileSync(configFile, lines.join('\n'));
    const child = spawn(MOSQUITTO_BINARY, ['-c', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    child.once('error', () => {});
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    // After a SIGKILL the port may linger a moment in the kernel: keep trying for a few seconds.
    for (let attempt = 0; attempt < 100; attempt++) {
      if (child.exitCode !== null) throw new Error(`mosquitto exited with ${child.exitCode}: ${stderr}`);
      if (await acceptsConnections(this.port)) return this;
      await sleep(50);
    }
    throw new Error(`mosquitto did not start listening on ${this.port}: ${stderr}`);
  }

  private accessLines(): string[] {
    const access = this.options.access;
    return access ? ['allow_anonymous false', `password_file ${access.passwordFile}`, `acl_file ${access.aclFile}`] : ['allow_anonymous true'];
  }

  /** The broker dies without a word: every client connection drops, nothing is saved. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    this.kills++;
    child.kill('SIGKILL');
    await this.exited;
  }

  async close(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(timer);
  }
}
