import type { FareLine } from './fareBreakdown.js';
import { localTime, minutesOf } from './localTime.js';
import type { Period } from './tariffData.js';

const WEEK_MIN = 7 * 1440;

/** Is a local time (ISO weekday, minute of day) inside the period? Days name the day a period starts. */
export function inPeriod(period: Period, weekday: number, minuteOfDay: number): boolean {
  const from = minutesOf(period.from);
  const to = minutesOf(period.to);
  const on = (day: number) => !period.days || period.days.includes(day);
  if (from < to) return on(weekday) && minuteOfDay >= from && minuteOfDay < to;
  // Past midnight: the evening part on a listed day, the early part on the day after one.
  const yesterday = weekday === 1 ? 7 : weekday - 1;
  return (on(weekday) && minuteOfDay >= from) || (on(yesterday) && minuteOfDay < to);
}

/** The time-of-day line for a leg starting at `atMs`, if a period applies. */
export function timeOfDayLine(periods: readonly Period[], atMs: number, timeZone: string, subtotalMinor: number): FareLine | undefined {
  if (periods.length === 0) return undefined;
  const local = localTime(atMs, timeZone);
  const period = periods.find((candidate) => inPeriod(candidate, local.weekday, local.minuteOfDay));
  if (!period) return undefined;
  const when = `${period.from}-${period.to}`;
  if (period.fareMinor !== undefined) {
    return { step: 'time_of_day', period: period.name, label: `${period.name} (${when}): own fare`, amountMinor: period.fareMinor - subtotalMinor };
  }
  const scaled = Math.round((subtotalMinor * period.multiplierPercent!) / 100);
  return { step: 'time_of_day', period: period.name, label: `${period.name} (${when}): ${period.multiplierPercent} %`, amountMinor: scaled - subtotalMinor, multiplierPercent: period.multiplierPercent };
}

/** Minute-of-week intervals [start, end) a period covers, split where it wraps past Sunday. */
function weekIntervals(period: Period): Array<[number, number]> {
  const from = minutesOf(period.from);
  const length = (minutesOf(period.to) - from + 1440) % 1440;
  const out: Array<[number, number]> = [];
  for (const day of period.days ?? [1, 2, 3, 4, 5, 6, 7]) {
    const start = (day - 1) * 1440 + from;
    const end = start + length;
    if (end <= WEEK_MIN) out.push([start, end]);
    else out.push([start, WEEK_MIN], [0, end - WEEK_MIN]);
  }
  return out;
}

/** Pairs of periods (by index) that share at least one minute of the week. */
export function overlappingPeriods(periods: readonly Period[]): Array<[number, number]> {
  const intervals = periods.map(weekIntervals);
  const out: Array<[number, number]> = [];
  for (let a = 0; a < periods.length; a += 1) {
    for (let b = a + 1; b < periods.length; b += 1) {
      if (intervals[a].some(([s1, e1]) => intervals[b].some(([s2, e2]) => s1 < e2 && s2 < e1))) out.push([a, b]);
    }
  }
  return out;
}
