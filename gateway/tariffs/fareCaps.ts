import type { FareLeg, PricedLeg } from './fareLeg.js';
import { formatMinor, type FareLine } from './fareBreakdown.js';
import { businessDay, businessWeek } from './localTime.js';
import type { TariffData } from './tariffData.js';

/**
 * Daily and weekly caps per rider and operator: what the rider already paid this operator in
 * the leg's business day (and week) counts against the cap of the tariff pricing the leg, and
 * the leg pays at most what is left. Every chargeable journey counts and is capped, incomplete
 * ones too, so no cap period ever costs more than its cap. Concession classes may have their
 * own caps (byFareClass), else the general ones apply.
 */
export function capLines(data: TariffData, currency: string, leg: FareLeg, history: readonly PricedLeg[], subtotalMinor: number): FareLine[] {
  const caps = data.caps;
  if (!caps) return [];
  const own = caps.byFareClass[String(leg.fareClass)] ?? {};
  const periods = [
    { period: 'day' as const, capMinor: own.dailyMinor ?? caps.dailyMinor, keyOf: (atMs: number) => businessDay(atMs, data.timeZone, caps.businessDayCutoff) },
    { period: 'week' as const, capMinor: own.weeklyMinor ?? caps.weeklyMinor, keyOf: (atMs: number) => businessWeek(atMs, data.timeZone, caps.businessDayCutoff) },
  ];
  const lines: FareLine[] = [];
  let charge = subtotalMinor;
  for (const { period, capMinor, keyOf } of periods) {
    if (capMinor === undefined) continue;
    const periodKey = keyOf(leg.startedAt);
    const usedBeforeMinor = history.filter((earlier) => earlier.operatorId === leg.operatorId && keyOf(earlier.startedAt) === periodKey).reduce((total, earlier) => total + earlier.fareMinor, 0);
    const room = Math.max(0, capMinor - usedBeforeMinor);
    if (charge <= room) continue;
    const name = period === 'day' ? `daily cap ${formatMinor(capMinor, currency)} (business day ${periodKey})` : `weekly cap ${formatMinor(capMinor, currency)} (week of ${periodKey})`;
    lines.push({ step: 'cap', period, periodKey, capMinor, usedBeforeMinor, label: `${name}: ${formatMinor(usedBeforeMinor, currency)} already paid`, amountMinor: room - charge });
    charge = room;
  }
  return lines;
}
