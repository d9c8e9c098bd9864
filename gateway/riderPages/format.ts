import type { GatewayConfig } from '../config.js';

/**
 * How the rider pages write money and times: amounts with their currency symbol, times in the
 * network's own time zone (businessTimeZone), where its riders travel.
 */
export interface PageFormats {
  money(amountMinor: number, currency: string): string;
  /** "5 Jan 2026, 09:00". */
  time(ms: number): string;
  /** "5 Jan 2026". */
  day(ms: number): string;
  /** "09:00". */
  clock(ms: number): string;
}

const LOCALE = 'en-GB';
const moneyFormats = new Map<string, Intl.NumberFormat>();

function moneyFormat(currency: string): Intl.NumberFormat {
  let format = moneyFormats.get(currency);
  if (!format) {
    format = new Intl.NumberFormat(LOCALE, { style: 'currency', currency });
    moneyFormats.set(currency, format);
  }
  return format;
}

/** Digits after the decimal point of a currency's minor unit: 2 for EUR, 0 for JPY. */
export function minorDigits(currency: string): number {
  return moneyFormat(currency).resolvedOptions().maximumFractionDigits ?? 2;
}

export function pageFormats(config: Pick<GatewayConfig, 'businessTimeZone'>): PageFormats {
  const timeZone = config.businessTimeZone;
  const time = new Intl.DateTimeFormat(LOCALE, { timeZone, dateStyle: 'medium', timeStyle: 'short' });
  const day = new Intl.DateTimeFormat(LOCALE, { timeZone, dateStyle: 'medium' });
  const clock = new Intl.DateTimeFormat(LOCALE, { timeZone, timeStyle: 'short' });
  return {
    money: (amountMinor, currency) => moneyFormat(currency).format(amountMinor / 10 ** minorDigits(currency)),
    time: (ms) => time.format(ms),
    day: (ms) => day.format(ms),
    clock: (ms) => clock.format(ms),
  };
}
