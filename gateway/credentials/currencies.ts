/** ISO 4217 numeric codes, as the credential format carries them (u16). */
const NUMERIC: Record<string, number> = { EUR: 978, USD: 840, GBP: 826, CHF: 756, CNY: 156, JPY: 392, SEK: 752, NOK: 578, DKK: 208, PLN: 985 };

export function currencyNumeric(alpha: string): number {
  const numeric = NUMERIC[alpha];
  if (numeric === undefined) throw new Error(`currency ${alpha} has no known ISO 4217 numeric code`);
  return numeric;
}
