/** Lane sequence numbers as inclusive ranges [first, last], ascending and disjoint. */
export type SeqRange = [number, number];

/** Ranges of ascending sequence numbers: [1, 2, 3, 7] -> [[1, 3], [7, 7]]. */
export function rangesOf(ascending: readonly number[]): SeqRange[] {
  const ranges: SeqRange[] = [];
  for (const seq of ascending) {
    const last = ranges[ranges.length - 1];
    if (last && seq === last[1] + 1) last[1] = seq;
    else ranges.push([seq, seq]);
  }
  return ranges;
}

export function rangeLength(ranges: readonly SeqRange[]): number {
  return ranges.reduce((total, [first, last]) => total + last - first + 1, 0);
}

/** Every number of the ranges, ascending (callers bound the total first). */
export function expandRanges(ranges: readonly SeqRange[]): number[] {
  const out: number[] = [];
  for (const [first, last] of ranges) for (let seq = first; seq <= last; seq++) out.push(seq);
  return out;
}

/** Whether ranges are well formed: first <= last, ascending, disjoint. */
export function rangesAreOrdered(ranges: readonly SeqRange[]): boolean {
  return ranges.every(([first, last], index) => first <= last && (index === 0 || first > ranges[index - 1][1]));
}

export function inRanges(ranges: readonly SeqRange[], seq: number): boolean {
  let low = 0;
  let high = ranges.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const [first, last] = ranges[middle];
    if (seq < first) high = middle - 1;
    else if (seq > last) low = middle + 1;
    else return true;
  }
  return false;
}
