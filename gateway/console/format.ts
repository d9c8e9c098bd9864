import { ValidationError } from '../errors.js';
import { instantOfLocal } from '../tariffs/localTime.js';

/**
 * How the console writes times, money and ages. Times are in the network's business time zone
 * (businessTimeZone), the one its reports and settlement use, whatever the reader's browser says.
 */
const instantFormats = new Map<string, Intl.DateTimeFormat>();

/** "2026-01-05 09:00:00" in the zone. */
export function formatInstant(ms: number | null | undefined, timeZone: string): string {
  if (ms === null || ms === undefined) return '–';
  let format = instantFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    instantFormats.set(timeZone, format);
  }
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(ms)) parts[part.type] = part.value;
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

/** The value of a datetime-local field for an instant: "2026-01-05T09:00". */
export function localInputValue(ms: number, timeZone: string): string {
  return formatInstant(ms, timeZone).slice(0, 16).replace(' ', 'T');
}

/** A datetime-local field ("2026-02-01T04:30", seconds optional) read as wall time in the zone. */
export function parseLocalInput(text: string, timeZone: string, field: string): number {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
  const valid = match && !Number.isNaN(Date.parse(`${match[1]}T00:00:00Z`)) && Number(match[2]) < 24 && Number(match[3]) < 60 && Number(match[4] ?? 0) < 60;
  if (!match || !valid) throw new ValidationError(`${field} must be a date and time like 2026-02-01T04:30 (${timeZone} time), not "${text}"`, [{ path: field, message: 'not a date and time' }]);
  return instantOfLocal(match[1]!, Number(match[2]) * 60 + Number(match[3]), timeZone) + Number(match[4] ?? 0) * 1000;
}

const moneyFormats = new Map<string, Intl.NumberFormat>();

/** "€2.60": minor units in the currency's own number of decimals. */
export function formatMoney(minor: number, currency: string): string {
  let format = moneyFormats.get(currency);
  if (!format) {
    format = new Intl.NumberFormat('en-GB', { style: 'currency', currency });
    moneyFormats.set(currency, format);
  }
  return format.format(minor / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2));
}

/** "4 s", "3 min", "2 h", "5 d". */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86_400)} d`;
}
