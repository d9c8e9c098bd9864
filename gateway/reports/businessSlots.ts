import type { GatewayConfig } from '../config.js';
import { businessDay, localTime, minutesOf } from '../tariffs/localTime.js';

/** Where an instant lands in the reports: its business day and the local hour on the clock. */
export interface BusinessSlot {
  day: string;
  hour: number;
}

const QUARTER_HOUR_MIN = 15;
const MEMO_LIMIT = 50_000;
const shared = new Map<string, BusinessSlots>();

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * The business slot of instants, cheaply: every zone offset in use is a whole number of quarter
 * hours, so the slot only changes on a boundary of `bucketMs` (a quarter hour, or a divisor of it
 * when the cut-off is not on a quarter hour). One zone lookup per bucket, memoised; a bucket whose
 * two ends disagree (an offset change inside it) is never memoised and is resolved per instant.
 * The rebuild (rebuildRollups.ts) groups raw rows by the same buckets.
 */
export class BusinessSlots {
  readonly bucketMs: number;
  private readonly memo = new Map<number, BusinessSlot | null>();

  constructor(readonly timeZone: string, readonly cutoff: string) {
    this.bucketMs = gcd(QUARTER_HOUR_MIN, minutesOf(cutoff) % 60 || QUARTER_HOUR_MIN) * 60_000;
  }

  /** One instance per zone and cut-off, so its memo serves every transaction. */
  static of(config: Pick<GatewayConfig, 'businessTimeZone' | 'businessDayCutoff'>): BusinessSlots {
    const name = `${config.businessTimeZone} ${config.businessDayCutoff}`;
    let slots = shared.get(name);
    if (!slots) shared.set(name, (slots = new BusinessSlots(config.businessTimeZone, config.businessDayCutoff)));
    return slots;
  }

  /** The slot of one instant, exactly. */
  exact(atMs: number): BusinessSlot {
    return { day: businessDay(atMs, this.timeZone, this.cutoff), hour: Math.floor(localTime(atMs, this.timeZone).minuteOfDay / 60) };
  }

  /** The slot every instant of a bucket shares, or undefined when an offset changes inside it. */
  ofBucket(bucket: number): BusinessSlot | undefined {
    let slot = this.memo.get(bucket);
    if (slot === undefined) {
      const first = this.exact(bucket * this.bucketMs);
      const last = this.exact((bucket + 1) * this.bucketMs - 1);
      slot = first.day === last.day && first.hour === last.hour ? first : null;
      if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
      this.memo.set(bucket, slot);
    }
    return slot ?? undefined;
  }

  bucketOf(atMs: number): number {
    return Math.floor(atMs / this.bucketMs);
  }

  slotOf(atMs: number): BusinessSlot {
    return this.ofBucket(this.bucketOf(atMs)) ?? this.exact(atMs);
  }
}
