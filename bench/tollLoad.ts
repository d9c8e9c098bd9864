import { performance } from 'node:perf_hooks';
import type { TollSiteDefinition } from '../demo/network.js';
import { uuidv7 } from '../protocol/ids.js';
import type { ObuRead, PlateRead } from '../protocol/toll.js';
import { topics } from '../protocol/topics.js';
import { connectMqtt, endMqtt } from '../runtime/mqtt.js';
import type { SimulatedTollRoad } from '../simulator/toll/tollRoad.js';
import type { TollLaneDevices } from '../simulator/toll/tollLaneDevices.js';
import type { SimVehicle } from '../simulator/toll/vehicle.js';
import { InFlight, runSchedule } from './gateSchedule.js';

export interface ObuToBarrierResult {
  /** OBU read published by the roadside unit until its lift reached the barrier, measured slots only. */
  latenciesMs: number[];
  lanes: number;
  measuredSlots: number;
  /** Reads no lift answered within the answer timeout. */
  unanswered: number;
}

const ANSWER_TIMEOUT_MS = 3000;

/**
 * Vehicles arrive at the plazas' barrier lanes at a combined rate, round the lanes in turn: the
 * roadside unit reads the tag, and the time runs until the barrier receives its lift; the
 * vehicle then drives over the loop, so the lane records passages as in service. Lifts answer a
 * lane's reads in order, so each lane keeps a queue of read times.
 */
export async function runObuToBarrier(options: { road: SimulatedTollRoad; plazas: readonly TollSiteDefinition[]; fleet: readonly SimVehicle[]; ratePerS: number; warmupS: number; measureS: number }): Promise<ObuToBarrierResult> {
  const lanes: TollLaneDevices[] = options.plazas.flatMap((site) => options.road.lanesOf(site.id)).filter((lane) => lane.barrier);
  const waiting = new Map<TollLaneDevices, { startedAt: number; measured: boolean; resolve: () => void }[]>(lanes.map((lane) => [lane, []]));
  const latenciesMs: number[] = [];
  let unanswered = 0;
  for (const lane of lanes) {
    lane.barrier!.on('lift', () => {
      const next = waiting.get(lane)!.shift();
      if (!next) return;
      if (next.measured) latenciesMs.push(performance.now() - next.startedAt);
      next.resolve();
    });
  }
  const warmupSlots = Math.round(options.warmupS * options.ratePerS);
  const slots = warmupSlots + Math.round(options.measureS * options.ratePerS);
  const inFlight = new InFlight();
  await runSchedule({
    ratePerS: options.ratePerS,
    slots,
    fire: (slot) => {
      const lane = lanes[slot % lanes.length];
      const vehicle = options.fleet[slot % options.fleet.length];
      const answered = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no lift')), ANSWER_TIMEOUT_MS);
        waiting.get(lane)!.push({ startedAt: performance.now(), measured: slot >= warmupSlots, resolve: () => (clearTimeout(timer), resolve()) });
      });
      inFlight.add(
        lane.rsu
          .read(vehicle)
          .then(() => answered)
          .then(() => lane.loop!.vehicleOver())
          .catch(() => {
            unanswered++;
          }),
      );
    },
  });
  await inFlight.settle();
  return { latenciesMs, lanes: lanes.length, measuredSlots: slots - warmupSlots, unanswered };
}

/**
 * A flood at one gantry: `vehicles` tagged vehicles, each an OBU read and a matching plate read in
 * one of its lanes, published as fast as the broker takes them. The lane records each vehicle as
 * its fusion window closes; the figure is vehicles recorded per second, from the first read
 * published to the last passage recorded (polled through `recorded`).
 */
export async function runGantryFlood(options: { brokerUrl: string; gantry: TollSiteDefinition; vehicles: number; recorded: () => Promise<number> }): Promise<{ passagesPerS: number; vehicles: number; elapsedMs: number; publishMs: number }> {
  const client = await connectMqtt(options.brokerUrl, { clientId: `bench-gantry-${uuidv7()}` });
  try {
    const before = await options.recorded();
    const startedAt = performance.now();
    const lanes = options.gantry.lanes;
    let pending: Promise<unknown>[] = [];
    for (let i = 0; i < options.vehicles; i++) {
      const lane = lanes[i % lanes.length];
      const now = Date.now();
      const tagId = (0x1000000000 + i).toString(16).toUpperCase().padStart(16, '0');
      const plate = `GF${String(i).padStart(7, '0')}`;
      const obu: ObuRead = { v: 1, msgId: uuidv7(), ts: now, lane: lane.lane, tagId, declaredClass: '1', tagPlate: plate, readAt: now, rssiDbm: -50, tampered: false };
      const read: PlateRead = { v: 1, msgId: uuidv7(), ts: now, lane: lane.lane, plate, colour: 'white', confidence: 0.95, imageRef: `bench/${i}.jpg`, readAt: now };
      pending.push(client.publishAsync(topics.deviceEvent(options.gantry.id, lane.devices.rsu, 'obu'), JSON.stringify(obu), { qos: 1 }));
      pending.push(client.publishAsync(topics.deviceEvent(options.gantry.id, lane.devices.camera, 'plate'), JSON.stringify(read), { qos: 1 }));
      if (pending.length >= 400) {
        await Promise.all(pending);
        pending = [];
      }
    }
    await Promise.all(pending);
    const publishMs = performance.now() - startedAt;
    for (;;) {
      if ((await options.recorded()) - before >= options.vehicles) break;
      if (performance.now() - startedAt > 120_000) throw new Error('gantry flood: passages still missing after 120 s');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const elapsedMs = performance.now() - startedAt;
    return { passagesPerS: Math.round((options.vehicles / elapsedMs) * 1000), vehicles: options.vehicles, elapsedMs: Math.round(elapsedMs), publishMs: Math.round(publishMs) };
  } finally {
    await endMqtt(client);
  }
}
