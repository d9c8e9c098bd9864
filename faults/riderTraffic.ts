import { EventEmitter } from 'node:events';
import type { GateCommand } from '../protocol/messages.js';
import { GateQueue } from '../simulator/people/gateQueue.js';
import type { Turnstile } from '../simulator/devices/turnstile.js';
import type { FaultRig, RigRider } from './faultRig.js';
import type { OpenedGate } from './passageChecker.js';

export interface TrafficCounters {
  scansSent: number;
  scansAnswered: number;
  /** By the label `phase` had when the scan was sent (for instance broker 'up' or 'down'). */
  sentByPhase: Record<string, number>;
  answeredByPhase: Record<string, number>;
  outcomes: Record<string, number>;
}

/**
 * Riders walking through the rig's turnstiles, entry then exit, as long as the run lasts: each
 * rider at one gate, taking turns there, a fresh code per scan. Records what the hardware saw:
 * every opening a turnstile acted on, and every passage it reported and the broker acknowledged.
 * Emits 'opened' (OpenedGate) and 'confirmed' ({siteId, decisionId}) as they happen.
 */
export class RiderTraffic extends EventEmitter {
  readonly counters: TrafficCounters = { scansSent: 0, scansAnswered: 0, sentByPhase: {}, answeredByPhase: {}, outcomes: {} };
  readonly opened: OpenedGate[] = [];
  readonly confirmed: Array<{ siteId: string; decisionId: string }> = [];
  /** A label the scenario sets while a fault is on; scans are counted under it. */
  phase = 'up';
  private stopping = false;
  private running: Promise<void>[] = [];
  private readonly queue = new GateQueue();
  private readonly detachers: Array<() => void> = [];

  constructor(private readonly rig: FaultRig, private readonly options: { scanLimit?: number; pauseMs?: number } = {}) {
    super();
  }

  start(): void {
    for (const turnstile of this.rig.devices.turnstiles.values()) {
      const onCommand = (command: GateCommand) => {
        if (command.action !== 'open') return;
        const gate = { siteId: turnstile.siteId, deviceId: turnstile.deviceId, decisionId: command.decisionId };
        this.opened.push(gate);
        this.emit('opened', gate);
      };
      turnstile.on('command', onCommand);
      this.detachers.push(() => turnstile.off('command', onCommand));
    }
    this.running = this.rig.riders.map((rider, index) => this.travel(rider, index));
  }

  /** Resolves once the scan limit is reached (or at once without one). */
  async finished(): Promise<void> {
    await Promise.all(this.running);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.running);
    for (const remove of this.detachers) remove();
  }

  private gateOf(index: number): Turnstile {
    const site = this.rig.sites[index % this.rig.sites.length];
    const gates = this.rig.devices.turnstilesAt(site.id);
    return gates[Math.floor(index / this.rig.sites.length) % gates.length];
  }

  private count(record: Record<string, number>, key: string): void {
    record[key] = (record[key] ?? 0) + 1;
  }

  private async travel(rider: RigRider, index: number): Promise<void> {
    const gate = this.gateOf(index);
    const pauseMs = this.options.pauseMs ?? 20;
    let direction: 'entry' | 'exit' = 'entry';
    while (!this.stopping && (this.options.scanLimit === undefined || this.counters.scansSent < this.options.scanLimit)) {
      const phase = this.phase;
      let outcome: string;
      try {
        outcome = await this.queue.run(gate.deviceId, async () => {
          this.counters.scansSent++;
          this.count(this.counters.sentByPhase, phase);
          const { command } = await gate.scan({ code: rider.phone.code() }, direction);
          this.counters.scansAnswered++;
          this.count(this.counters.answeredByPhase, phase);
          if (command.action !== 'open') return command.reason ?? 'denied';
          await gate.walkThrough();
          const confirmed = { siteId: gate.siteId, decisionId: command.decisionId };
          this.confirmed.push(confirmed);
          this.emit('confirmed', confirmed);
          direction = direction === 'entry' ? 'exit' : 'entry';
          return 'passed';
        });
      } catch (error) {
        // No answer (lane or broker down): the rider tries again with a fresh code.
        outcome = (error as { code?: string }).code ?? 'error';
      }
      this.count(this.counters.outcomes, outcome);
      await new Promise((resolve) => setTimeout(resolve, outcome === 'passed' ? pauseMs : 100));
    }
  }
}
