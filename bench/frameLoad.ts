import type { CameraFrame } from '../protocol/messages.js';
import type { GateDirection, Turnstile } from '../simulator/devices/turnstile.js';
import { frameToScanPayload, renderFrame } from '../simulator/frames/renderFrame.js';
import { InFlight, runSchedule } from './gateSchedule.js';
import { GateTally } from './gateTally.js';
import type { BenchRider, RiderOutcome, RiderPool } from './riderPool.js';

export interface FrameLoadOptions {
  gates: readonly Turnstile[];
  pool: RiderPool;
  frames: number;
  /** Sent first and not measured: the lanes' QR decoder is compiled by the JIT on these. */
  warmupFrames: number;
  ratePerS: number;
}

export interface FrameLoadResult {
  /** Frame published to command received, every measured frame (unreadable ones too). */
  latenciesMs: number[];
  /** The same for the frames the lane could read. */
  readableLatenciesMs: number[];
  unreadable: number;
  tally: GateTally;
  renderMs: number;
}

interface PreparedFrame {
  rider: BenchRider;
  direction: GateDirection;
  frame: CameraFrame;
}

/**
 * What the gate's camera sends when the scanner does not decode: a 640×480 grey frame of a
 * phone held up (renderFrame's defaults: code 180-260 px wide, rotated up to 4°, off centre,
 * unevenly lit, sensor noise σ 3). Frames are rendered before sending, from codes signed then,
 * well inside the freshness window, so rendering does not load the process being measured.
 */
export async function runFrameLoad(options: FrameLoadOptions): Promise<FrameLoadResult> {
  const renderStartedAt = performance.now();
  const prepared: PreparedFrame[] = [];
  for (let index = 0; index < options.warmupFrames + options.frames; index++) {
    const rider = options.pool.take();
    if (!rider) throw new Error('not enough idle riders for the frame phase');
    prepared.push({ rider, direction: rider.next, frame: frameToScanPayload(renderFrame(rider.phone.code(), { seed: 1000 + index })) });
  }
  const result: FrameLoadResult = { latenciesMs: [], readableLatenciesMs: [], unreadable: 0, tally: new GateTally(), renderMs: performance.now() - renderStartedAt };
  const inFlight = new InFlight();

  const scanOnce = async (gate: Turnstile, item: PreparedFrame, measuring: boolean): Promise<RiderOutcome> => {
    const answer = await result.tally.scan(gate, { frame: item.frame }, item.direction);
    if (!answer) return 'notPassed';
    const unreadable = answer.command.reason === 'FRAME_UNREADABLE';
    if (measuring) {
      result.latenciesMs.push(answer.rttMs);
      if (unreadable) result.unreadable++;
      else result.readableLatenciesMs.push(answer.rttMs);
    }
    if (answer.command.action !== 'open') return GateTally.outcomeOf(answer);
    return (await result.tally.walkThrough(gate, answer.command.decisionId)) ? 'passed' : 'notPassed';
  };

  await runSchedule({
    ratePerS: options.ratePerS,
    slots: prepared.length,
    fire: (slot) => {
      const item = prepared[slot];
      const gate = options.gates[slot % options.gates.length];
      inFlight.add(scanOnce(gate, item, slot >= options.warmupFrames).then((passed) => options.pool.give(item.rider, passed)));
    },
  });
  await inFlight.settle();
  return result;
}
