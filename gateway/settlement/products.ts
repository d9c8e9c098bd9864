import { FARE_CLASS_NAMES } from '../tariffs/tariffData.js';

/**
 * What a statement counts passages and charges by: the mode and the class a fare is priced for,
 * as tariffs define them (gateway/tariffs/tariffData.ts): "metro adult", "bus child",
 * "toll class 2" (the vehicle class). Charges are further split by tariff version.
 */
export function transitProduct(mode: string, fareClass: number): string {
  return `${mode} ${FARE_CLASS_NAMES[fareClass] ?? `class ${fareClass}`}`;
}

export function tollProduct(vehicleClass: string | null): string {
  return `toll class ${vehicleClass ?? 'unknown'}`;
}

/** A journey's product, or "other" for money not tied to a journey the gateway priced. */
export function productOf(mode: string | null, fareClass: number | null, vehicleClass: string | null): string {
  if (mode === 'toll') return tollProduct(vehicleClass);
  if (mode) return transitProduct(mode, fareClass ?? 0);
  return 'other';
}
