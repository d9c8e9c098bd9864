/** A value axis: its range (zero always inside it) and evenly spaced ticks at round numbers. */
export interface Scale {
  min: number;
  max: number;
  ticks: number[];
}

/** The round step (1, 2 or 5 times a power of ten) that splits `span` into about `count` parts. */
export function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
}

/**
 * The axis for some values, whole numbers only (counts and minor units): from the lowest tick at
 * or below min(0, values) to the highest at or above max(0, values), about `count` steps; an
 * empty or all-zero set gets 0..1.
 */
export function valueScale(values: readonly number[], count = 5): Scale {
  const low = Math.min(0, ...values.filter(Number.isFinite));
  const high = Math.max(0, ...values.filter(Number.isFinite));
  if (low === high) return { min: 0, max: 1, ticks: [0, 1] };
  const step = Math.max(1, niceStep(high - low, count));
  const min = Math.floor(low / step) * step;
  const max = Math.ceil(high / step) * step;
  const ticks: number[] = [];
  for (let tick = min; tick <= max + step / 2; tick += step) ticks.push(Math.round(tick));
  return { min, max, ticks };
}
