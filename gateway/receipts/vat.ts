/**
 * VAT included in a gross amount, in integer minor units: tax = gross x rate / (10000 + rate),
 * rate in basis points (1000 = 10 %), rounded half away from zero to the minor unit. A refund
 * (negative gross) has exactly the negative tax of the same positive amount.
 */
export function vatIncludedMinor(grossMinor: number, rateBp: number): number {
  if (!Number.isSafeInteger(grossMinor) || !Number.isInteger(rateBp) || rateBp < 0) throw new RangeError(`bad VAT input ${grossMinor} at ${rateBp} bp`);
  const divisor = BigInt(10_000 + rateBp);
  const magnitude = BigInt(Math.abs(grossMinor)) * BigInt(rateBp);
  const rounded = (2n * magnitude + divisor) / (2n * divisor);
  const taxMinor = Number(rounded);
  return grossMinor < 0 && taxMinor !== 0 ? -taxMinor : taxMinor;
}
