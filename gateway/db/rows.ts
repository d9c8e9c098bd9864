/** Driver differences, normalised once: pg int8 as number (db/connect.ts), SQLite booleans as 0/1. */
export function toNumber(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

export function toNullableNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : toNumber(value);
}

export function toBoolean(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 't';
}
