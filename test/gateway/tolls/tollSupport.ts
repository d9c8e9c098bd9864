import { randomBytes } from 'node:crypto';
import { DEMO_TOLL_PER_KM_MINOR } from '../../../demo/network.js';
import { DEMO_ETC_DISCOUNT_PERCENT } from '../../../db/seeds/demoTolls.js';
import { uuidv7 } from '../../../protocol/ids.js';
import type { TollException, TollPassageRecord } from '../../../protocol/toll.js';
import type { ApiClient } from '../support.js';

export const MIN = 60_000;
export const HOUR = 60 * MIN;

/** The demo road: video toll per km x class, ETC 10 % off (rounded in the driver's favour). */
export const videoToll = (km: number, vehicleClass = '1') => km * DEMO_TOLL_PER_KM_MINOR[vehicleClass];
export const etcToll = (km: number, vehicleClass = '1') => videoToll(km, vehicleClass) - Math.ceil((videoToll(km, vehicleClass) * DEMO_ETC_DISCOUNT_PERCENT) / 100);
/** The stretch each demo gantry charges (km): from the gantry or plaza before it; TG08 to the far plaza too. */
export const GANTRY_KM: Record<string, number> = { TG01: 4, TG02: 5, TG03: 6, TG04: 7, TG05: 6, TG06: 7, TG07: 6, TG08: 11 };

export interface Driver {
  riderId: string;
  vehicleId: string;
  tokenId: string;
  tagId: string;
  plate: string;
}

export const randomTag = () => randomBytes(8).toString('hex').toUpperCase();
export const randomPlate = () => `T${randomBytes(4).toString('hex').toUpperCase()}`;

/** A rider with one registered car (class 1 unless told) and its tag. */
export async function registerDriver(api: ApiClient, options: { payLaterLimitMinor?: number; vehicleClass?: string; name?: string } = {}): Promise<Driver> {
  const rider = await api.call('POST', '/api/riders', { name: options.name ?? 'Dana', payLaterLimitMinor: options.payLaterLimitMinor ?? 0 });
  if (rider.status !== 201) throw new Error(`register failed: ${JSON.stringify(rider.body)}`);
  const tagId = randomTag();
  const plate = randomPlate();
  const vehicle = await api.call('POST', `/api/riders/${rider.body.id}/vehicles`, { plate, plateColour: 'blue', vehicleClass: options.vehicleClass ?? '1', tagId });
  if (vehicle.status !== 201) throw new Error(`vehicle refused: ${JSON.stringify(vehicle.body)}`);
  return { riderId: rider.body.id, vehicleId: vehicle.body.id, tokenId: vehicle.body.tokenId, tagId, plate };
}

const laneSeqs = new Map<string, number>();

export interface TollPassageOptions {
  vehicleClass?: string;
  /** Read by plate only (no tag): PLATE_ONLY, the video toll. */
  plateOnly?: boolean;
  exceptions?: TollException[];
  action?: TollPassageRecord['action'];
  entry?: { site: string; at: number } | null;
  tokenId?: string | null;
}

/** A toll passage as the lane forwards it: lane id = site id, gap-free sequence per lane. */
export function tollPassage(driver: Pick<Driver, 'tokenId' | 'tagId' | 'plate'>, stationId: string, direction: 'entry' | 'exit' | 'pass', passedAt: number, options: TollPassageOptions = {}): TollPassageRecord {
  const laneSeq = (laneSeqs.get(stationId) ?? 0) + 1;
  laneSeqs.set(stationId, laneSeq);
  const plateOnly = options.plateOnly ?? false;
  return {
    id: uuidv7(),
    laneId: stationId,
    laneSeq,
    stationId,
    lane: direction === 'exit' ? '3' : '1',
    mode: 'toll',
    siteKind: direction === 'pass' ? 'gantry' : 'plaza',
    direction,
    tokenId: options.tokenId !== undefined ? options.tokenId : driver.tokenId,
    tagId: plateOnly ? null : driver.tagId,
    plate: driver.plate,
    plateColour: 'blue',
    plateConfidence: 0.97,
    imageRef: `img-${laneSeq}`,
    vehicleClass: options.vehicleClass ?? '1',
    declaredClass: plateOnly ? null : (options.vehicleClass ?? '1'),
    entry: options.entry ?? null,
    exceptions: options.exceptions ?? (plateOnly ? ['PLATE_ONLY'] : []),
    action: options.action ?? (direction === 'pass' ? 'record' : 'lift'),
    decidedAt: passedAt - 200,
    passedAt,
    trustStale: false,
  };
}

export async function sendTolls(api: ApiClient, passages: TollPassageRecord[]) {
  let last;
  for (const one of passages) {
    last = await api.call('POST', '/api/lane/v1/toll-passages', { laneId: one.laneId, passages: [one] });
    if (last.status !== 200 || last.body.rejected.length) throw new Error(`toll passages refused: ${JSON.stringify(last.body)}`);
  }
  return last!;
}

export async function tollsOf(api: ApiClient, riderId: string) {
  return (await api.call('GET', `/api/riders/${riderId}/tolls`)).body;
}

export function newPassageId(): string {
  return uuidv7();
}
