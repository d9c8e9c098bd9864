import { createHash } from 'node:crypto';
import { z } from 'zod';
import { LaneMode } from './laneApi.js';
import { FINGERPRINT_PATTERN } from './passageFingerprint.js';
import { rangeLength, rangesAreOrdered, type SeqRange } from './seqRanges.js';
import { ID_PATTERN } from './topics.js';

/**
 * Journal days (docs/protocol.md, "Journal days"): what a lane says it journaled in one business
 * day of the gateway, so that settlement reconciles the lane's own record with the gateway's.
 *
 *   GET  /api/lane/v1/journal-days   -> JournalDays: the ended days the gateway asks for, and what it holds of each
 *   POST /api/lane/v1/journal-days   JournalDayPart -> JournalDayReceipt
 *
 * A day's passages are those whose `passedAt` lies in [fromMs, toMs). Its report is sent in parts
 * of at most MAX_JOURNAL_ENTRIES_PER_PART passages, in lane sequence order; every part repeats
 * the day's header, and `digest` names the report the parts belong to.
 */
export const JOURNAL_DAYS_PATH = '/journal-days';
export const MAX_JOURNAL_ENTRIES_PER_PART = 10_000;
export const MAX_JOURNAL_PARTS = 1000;
/** Ranges in one field: a day whose sequence numbers are this scattered is refused as a whole. */
export const MAX_SEQ_RANGES = 10_000;

export const BusinessDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a business day is YYYY-MM-DD').refine((day) => {
  const at = Date.parse(`${day}T00:00:00Z`);
  return Number.isFinite(at) && new Date(at).toISOString().slice(0, 10) === day;
}, 'not a calendar date');

const seq = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const SeqRangeSchema = z.tuple([seq, seq]);
const SeqRanges = z.array(SeqRangeSchema).max(MAX_SEQ_RANGES).refine((ranges) => rangesAreOrdered(ranges as SeqRange[]), 'ranges must be [first, last] with first <= last, ascending and disjoint');

export const JournalDayHeld = z.object({
  count: z.number().int().nonnegative(),
  lastSeq: z.number().int().nonnegative(),
  digest: z.string(),
});
export type JournalDayHeld = z.infer<typeof JournalDayHeld>;

export const JournalDays = z.object({
  days: z.array(
    z.object({
      day: BusinessDay,
      fromMs: z.number().int(),
      toMs: z.number().int(),
      /** The complete report the gateway holds for this lane and day; null when none. */
      held: JournalDayHeld.nullable(),
    }),
  ),
});
export type JournalDays = z.infer<typeof JournalDays>;

export const JournalDayPart = z
  .object({
    laneId: z.string().regex(ID_PATTERN),
    stationId: z.string().regex(ID_PATTERN),
    mode: LaneMode,
    day: BusinessDay,
    fromMs: z.number().int(),
    toMs: z.number().int(),
    /** Passages the lane journaled with passedAt in [fromMs, toMs). */
    count: z.number().int().nonnegative(),
    /** The highest lane sequence of those passages; 0 when there are none. */
    lastSeq: z.number().int().nonnegative(),
    /** The highest lane sequence the journal holds below the day's first; 0 when none (or no passages). */
    previousSeq: z.number().int().nonnegative(),
    /** Sequence numbers between previousSeq and lastSeq that the journal holds under another day (by passedAt). */
    elsewhere: SeqRanges,
    digest: z.string().regex(/^[0-9a-f]{32}$/),
    part: z.number().int().nonnegative(),
    parts: z.number().int().positive().max(MAX_JOURNAL_PARTS),
    /** This part's passages: their sequence numbers as ranges, and id and fingerprint of each, in that order. */
    ranges: SeqRanges,
    ids: z.array(z.string().uuid()).max(MAX_JOURNAL_ENTRIES_PER_PART),
    fingerprints: z.array(z.string().regex(FINGERPRINT_PATTERN)).max(MAX_JOURNAL_ENTRIES_PER_PART),
  })
  .superRefine((part, context) => {
    const problem = (path: string, message: string) => context.addIssue({ code: 'custom', path: [path], message });
    if (part.fromMs >= part.toMs) problem('toMs', 'toMs must be after fromMs');
    if (part.part >= part.parts) problem('part', 'part must be below parts');
    const listed = rangeLength(part.ranges as SeqRange[]);
    if (listed !== part.ids.length || listed !== part.fingerprints.length) problem('ids', `the ranges hold ${listed} sequence numbers, ids ${part.ids.length} and fingerprints ${part.fingerprints.length}`);
    if (part.count === 0 && (part.lastSeq !== 0 || part.parts !== 1 || listed !== 0)) problem('count', 'an empty day has lastSeq 0, one part and no passages');
    const outside = [...part.ranges, ...part.elsewhere].find(([first, last]) => first <= part.previousSeq || last > part.lastSeq);
    if (outside) problem('ranges', `range [${outside[0]}, ${outside[1]}] lies outside (previousSeq, lastSeq]`);
  });
export type JournalDayPart = z.infer<typeof JournalDayPart>;

export const JournalDayReceipt = z.object({
  day: BusinessDay,
  digest: z.string(),
  /** True once every part of this digest is held and the report checked: the lane may stop sending it. */
  complete: z.boolean(),
  partsHeld: z.number().int().nonnegative(),
  parts: z.number().int().positive(),
});
export type JournalDayReceipt = z.infer<typeof JournalDayReceipt>;

export interface JournalDayHeader {
  day: string;
  fromMs: number;
  toMs: number;
  count: number;
  lastSeq: number;
  previousSeq: number;
  elsewhere: SeqRange[];
}

/**
 * The digest of a day's report: SHA-256 (first 128 bits, hex) over every passage as a
 * "seq id fingerprint" line in sequence order, then the header line. Both sides compute it the
 * same way; the lane adds passages page by page as it reads them.
 */
export class JournalDigest {
  private readonly hash = createHash('sha256');

  add(seqs: readonly number[], ids: readonly string[], fingerprints: readonly string[], from = 0, to = seqs.length): this {
    // A thousand lines per update: one call per line costs more than the hashing itself.
    for (let start = from; start < to; start += 1000) {
      let lines = '';
      for (let index = start; index < Math.min(start + 1000, to); index++) lines += `${seqs[index]} ${ids[index]} ${fingerprints[index]}\n`;
      this.hash.update(lines);
    }
    return this;
  }

  finish(header: JournalDayHeader): string {
    this.hash.update(`${header.day}|${header.fromMs}|${header.toMs}|${header.count}|${header.lastSeq}|${header.previousSeq}|${JSON.stringify(header.elsewhere)}\n`);
    return this.hash.digest('hex').slice(0, 32);
  }
}

export function journalDigest(header: JournalDayHeader, seqs: readonly number[], ids: readonly string[], fingerprints: readonly string[]): string {
  return new JournalDigest().add(seqs, ids, fingerprints).finish(header);
}
