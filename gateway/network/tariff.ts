import { z } from 'zod';

/**
 * A tariff of one operator, versioned with an effective date: a journey is priced by the
 * version in force when it began (design.md section 7). Stored as JSON in tariffs.data.
 * Fare classes: class 0 (adult) pays these fares; concession rules are not modelled yet, so
 * every class pays the adult fare.
 */
export const MatrixTariffData = z.object({
  kind: z.literal('matrix'),
  /** fares[from][to], minor units. */
  fares: z.record(z.string(), z.record(z.string(), z.number().int().nonnegative())),
  /** Incomplete journeys pay the highest fare from the known station (entry) or to it (exit). */
  incomplete: z.literal('max_fare').default('max_fare'),
});

export const FlatTariffData = z.object({
  kind: z.literal('flat'),
  fareMinor: z.number().int().nonnegative(),
});

export const TariffData = z.discriminatedUnion('kind', [MatrixTariffData, FlatTariffData]);
export type TariffData = z.infer<typeof TariffData>;

export interface Tariff {
  id: string;
  operatorId: string;
  version: number;
  effectiveFrom: number;
  currency: string;
  data: TariffData;
}

/** The version of an operator's tariff in force at `atMs` (the oldest one if none was yet). */
export function tariffInForce(tariffs: readonly Tariff[], operatorId: string, atMs: number): Tariff | undefined {
  const own = tariffs.filter((tariff) => tariff.operatorId === operatorId).sort((a, b) => a.effectiveFrom - b.effectiveFrom || a.version - b.version);
  let chosen = own[0];
  for (const tariff of own) if (tariff.effectiveFrom <= atMs) chosen = tariff;
  return chosen;
}

export function maxFareFrom(fares: Record<string, Record<string, number>>, stationId: string): number | undefined {
  const row = fares[stationId];
  if (!row) return undefined;
  const values = Object.values(row);
  return values.length ? Math.max(...values) : undefined;
}

export function maxFareTo(fares: Record<string, Record<string, number>>, stationId: string): number | undefined {
  const values = Object.values(fares).flatMap((row) => (row[stationId] === undefined ? [] : [row[stationId]]));
  return values.length ? Math.max(...values) : undefined;
}
