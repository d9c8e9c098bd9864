import type { TariffData } from './tariffData.js';

/** One version of an operator's tariff, in force from effectiveFrom (Unix ms) until the next. */
export interface Tariff {
  id: string;
  operatorId: string;
  version: number;
  effectiveFrom: number;
  currency: string;
  data: TariffData;
}

/**
 * The version of an operator's tariff in force at `atMs`: a journey is priced by the version in
 * force when it began (design.md section 7). Before the first version, the first one applies.
 */
export function tariffInForce(tariffs: readonly Tariff[], operatorId: string, atMs: number): Tariff | undefined {
  const own = tariffs.filter((tariff) => tariff.operatorId === operatorId).sort((a, b) => a.effectiveFrom - b.effectiveFrom || a.version - b.version);
  let chosen = own[0];
  for (const tariff of own) if (tariff.effectiveFrom <= atMs) chosen = tariff;
  return chosen;
}
