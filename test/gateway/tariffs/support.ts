import type { FareLeg } from '../../../gateway/tariffs/fareLeg.js';
import type { Tariff } from '../../../gateway/tariffs/tariff.js';
import { TariffData, type TariffDataInput } from '../../../gateway/tariffs/tariffData.js';

export const MIN = 60_000;
export const HOUR = 60 * MIN;

/** Paris wall time to Unix ms (winter: UTC+1; summer: UTC+2), for readable examples. */
export function paris(date: string, time: string): number {
  const utc = Date.parse(`${date}T${time}:00Z`);
  const month = Number(date.slice(5, 7));
  const offsetH = month >= 4 && month <= 10 ? 2 : 1;
  return utc - offsetH * 3_600_000;
}

export function tariff(operatorId: string, data: TariffDataInput, version = 1, effectiveFrom = 0): Tariff {
  return { id: `${operatorId}-v${version}`, operatorId, version, effectiveFrom, currency: 'EUR', data: TariffData.parse(data) };
}

let legCounter = 0;

/** A complete leg; ids sort in creation order for legs starting at the same time. */
export function leg(operatorId: string, mode: string, startedAt: number, extra: Partial<FareLeg> = {}): FareLeg {
  legCounter += 1;
  return { id: `leg-${String(legCounter).padStart(6, '0')}`, operatorId, mode, kind: mode === 'bus' ? 'single' : 'trip', status: 'complete', startedAt, fareClass: 0, ...extra };
}

/** A 3-station metro matrix A-B-C: 200 within, +50 per station. */
export const ABC_FARES = {
  A: { A: 200, B: 250, C: 300 },
  B: { A: 250, B: 200, C: 250 },
  C: { A: 300, B: 250, C: 200 },
};
