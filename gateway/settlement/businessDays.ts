import type { GatewayConfig } from '../config.js';
import { businessDay, businessDayBounds } from '../tariffs/localTime.js';

export interface BusinessDayWindow {
  day: string;
  fromMs: number;
  toMs: number;
}

type DayConfig = Pick<GatewayConfig, 'businessTimeZone' | 'businessDayCutoff'>;

/** The instants a business day covers, in the gateway's time zone and cut-off. */
export function windowOf(config: DayConfig, day: string): BusinessDayWindow {
  return { day, ...businessDayBounds(day, config.businessTimeZone, config.businessDayCutoff) };
}

/** The business day an instant belongs to. */
export function dayOf(config: DayConfig, atMs: number): string {
  return businessDay(atMs, config.businessTimeZone, config.businessDayCutoff);
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The `count` business days that ended last before nowMs, newest first. */
export function endedDays(config: DayConfig, nowMs: number, count: number): BusinessDayWindow[] {
  const today = dayOf(config, nowMs);
  return Array.from({ length: count }, (_unused, index) => windowOf(config, addDays(today, -1 - index)));
}
