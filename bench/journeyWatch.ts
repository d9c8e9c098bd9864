import { performance } from 'node:perf_hooks';
import type { LiveStream } from './liveStream.js';

interface JourneyEvent {
  exitPassageId: string | null;
  postedMinor: number;
}

/**
 * Times exits from the turnstile's confirmation to the journey's charge, through the gateway's
 * live stream: the gateway publishes a `journey` event once the transaction that posted the
 * charge has committed, naming the exit passage, whose id is the lane's decision id the gate
 * was opened with.
 */
export class JourneyWatch {
  readonly latenciesMs: number[] = [];
  private readonly expected = new Map<string, number>();
  private listening = true;

  constructor(live: LiveStream) {
    live.on('journey', (data, receivedAtMs) => this.onJourney(data as JourneyEvent, receivedAtMs));
  }

  /** The exit of decisionId is being confirmed now (call just before the turnstile publishes it). */
  expect(decisionId: string, confirmedAtMs = performance.now()): void {
    this.expected.set(decisionId, confirmedAtMs);
  }

  /** The exit was not confirmed after all. */
  forget(decisionId: string): void {
    this.expected.delete(decisionId);
  }

  /** Exits still waiting for their charge. */
  get outstanding(): number {
    return this.expected.size;
  }

  /** Resolves once every expected exit is charged, or after timeoutMs; later charges are not counted. */
  async drain(timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (this.expected.size > 0 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    this.listening = false;
  }

  private onJourney(journey: JourneyEvent, receivedAtMs: number): void {
    if (!this.listening || !journey.exitPassageId || journey.postedMinor <= 0) return;
    const confirmedAt = this.expected.get(journey.exitPassageId);
    if (confirmedAt === undefined) return;
    this.expected.delete(journey.exitPassageId);
    this.latenciesMs.push(receivedAtMs - confirmedAt);
  }
}
