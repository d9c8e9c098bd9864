/**
 * How a fare was computed, line by line, as riders and operators see it (docs/api.md,
 * "FareBreakdown"). Stored with the journey (journeys.fare_breakdown) so a later re-pricing only
 * recomputes the parts that depend on the rider's other journeys (transfers and caps).
 */
export type FareLine =
  | { step: 'base'; rule: 'flat' | 'matrix' | 'zones' | 'distance' | 'gantry' | 'max_fare' | 'fixed_incomplete' | 'unpriced'; label: string; amountMinor: number; fromStationId?: string; toStationId?: string; zones?: number[]; km?: number; vehicleClass?: string }
  | { step: 'time_of_day'; period: string; label: string; amountMinor: number; multiplierPercent?: number }
  | { step: 'concession'; fareClass: number; label: string; amountMinor: number; percentOff?: number }
  | { step: 'transfer'; label: string; amountMinor: number; fromJourneyId: string; chainStartJourneyId: string; chainStartedAt: number; transferNumber: number }
  | { step: 'cap'; period: 'day' | 'week'; periodKey: string; capMinor: number; usedBeforeMinor: number; label: string; amountMinor: number }
  | { step: 'etc'; label: string; amountMinor: number; percentOff: number };

/**
 * What a toll trip adds to its breakdown (docs/tolls.md): the class and how it was paid, the
 * gantries of its path (read or inferred, charged or not, each with its own toll on the open
 * road), and every lane exception with the rule that priced it.
 */
export interface TollDetails {
  kind: 'closed' | 'open_road';
  vehicleClass: string;
  /** etc: every priced passage was read by its tag; video: none was; mixed: some were. */
  payment: 'etc' | 'video' | 'mixed';
  /** A lone exit priced from the entry written in its tag. */
  entryFromTag?: { site: string; at: number };
  path: Array<{ stationId: string; passageId: string | null; passedAt: number; inferred: boolean; charged: boolean; feeMinor: number; tollMinor: number; note?: string }>;
  exceptions: Array<{ passageId: string; code: string; rule: string }>;
}

export interface FareBreakdown {
  operatorId: string;
  tariffVersion: number;
  currency: string;
  fareClass: number;
  /** Base, time of day, concession: what the journey costs on its own. */
  lines: FareLine[];
  /** The fare before transfers and caps. */
  listMinor: number;
  /** What the rider pays: listMinor plus every (negative) transfer and cap line. */
  fareMinor: number;
  /** Toll trips only. */
  toll?: TollDetails;
}

export const sumLines = (lines: readonly FareLine[]): number => lines.reduce((total, line) => total + line.amountMinor, 0);

/** The human sentence kept as journeys.fare_rule: the base, then each adjustment, then the tariff. */
export function fareSentence(breakdown: FareBreakdown): string {
  const [base, ...rest] = breakdown.lines;
  const parts = [base?.label ?? 'not priced', ...rest.map((line) => line.label)];
  return `${parts.join('; ')} (tariff ${breakdown.operatorId} v${breakdown.tariffVersion})`;
}

export function formatMinor(amountMinor: number, currency: string): string {
  const sign = amountMinor < 0 ? '-' : '';
  const abs = Math.abs(amountMinor);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')} ${currency}`;
}
