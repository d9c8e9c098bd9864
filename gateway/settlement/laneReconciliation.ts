import { inRanges, rangesOf, type SeqRange } from '../../protocol/seqRanges.js';

/**
 * Exceptions of a lane's reconciliation (docs/operations.md, "Settlement"). Each difference
 * between what a lane journaled and what the gateway stored is listed once, on the day the
 * gateway (else the lane) holds it; nothing is fixed.
 */
export const RECONCILIATION_EXCEPTIONS = {
  MISSING_AT_GATEWAY: 'the lane journaled this passage; the gateway does not hold it',
  UNKNOWN_TO_LANE: 'the gateway holds this passage; the lane did not report it',
  ALTERED: 'the lane and the gateway hold different records under this sequence number',
  DUPLICATE: 'the same passage under a second sequence number',
  SEQUENCE_GAP: "sequence numbers the lane's journal skips and the gateway does not hold",
  LANE_NOT_REPORTED: 'the lane sent no complete journal report for this day',
} as const;
export type ReconciliationCode = keyof typeof RECONCILIATION_EXCEPTIONS;

export interface SettlementException {
  code: ReconciliationCode;
  laneId: string;
  /** The lane sequence number (the first of a SEQUENCE_GAP); null for LANE_NOT_REPORTED. */
  seq: number | null;
  /** The last sequence number of a SEQUENCE_GAP; null otherwise. */
  seqTo: number | null;
  /** The passage concerned: the lane's id where the lane has one, else the gateway's. */
  passageId: string | null;
  /** ALTERED: the gateway's id when it differs; DUPLICATE: the passage it repeats. */
  relatedPassageId: string | null;
  detail: string;
}

/** One journaled passage as either side holds it. */
export interface JournalEntry {
  seq: number;
  id: string;
  fingerprint: string;
}

export interface LaneReport {
  entries: JournalEntry[];
  previousSeq: number;
  lastSeq: number;
  elsewhere: SeqRange[];
}

/** What else the gateway holds of the lane, outside the day being reconciled. */
export interface GatewayLaneLookup {
  /** Of these sequence numbers, those the gateway holds for the lane (any day). */
  holds(seqs: number[]): Promise<Set<number>>;
  /** The sequence numbers the gateway holds for the lane in [first, last] (any day). */
  holdsBetween(first: number, last: number): Promise<number[]>;
}

export interface LaneReconciliation {
  exceptions: SettlementException[];
  /** Sequence numbers both sides hold with the same id and content. */
  matched: number;
}

/**
 * Reconcile one lane's day: its report (undefined when it sent none) against the passages of
 * that lane the gateway stored for the day.
 */
export async function reconcileLane(laneId: string, report: LaneReport | undefined, stored: JournalEntry[], lookup: GatewayLaneLookup): Promise<LaneReconciliation> {
  if (!report) {
    return { matched: 0, exceptions: [{ code: 'LANE_NOT_REPORTED', laneId, seq: null, seqTo: null, passageId: null, relatedPassageId: null, detail: `the gateway holds ${stored.length} passage${stored.length === 1 ? '' : 's'} of this lane for the day` }] };
  }
  const exceptions: SettlementException[] = [];
  const add = (code: ReconciliationCode, seq: number, passageId: string | null, detail: string, relatedPassageId: string | null = null, seqTo: number | null = null) =>
    exceptions.push({ code, laneId, seq, seqTo, passageId, relatedPassageId, detail });
  const lane = new Map(report.entries.map((entry) => [entry.seq, entry]));
  const gateway = new Map(stored.map((entry) => [entry.seq, entry]));
  const seqs = [...new Set([...lane.keys(), ...gateway.keys()])].sort((a, b) => a - b);

  let matched = 0;
  const altered = new Set<number>();
  for (const seq of seqs) {
    const ours = lane.get(seq);
    const theirs = gateway.get(seq);
    if (!ours || !theirs) continue;
    if (ours.id !== theirs.id) add('ALTERED', seq, ours.id, `the lane journaled passage ${ours.id} under this sequence number, the gateway holds ${theirs.id}`, theirs.id);
    else if (ours.fingerprint !== theirs.fingerprint) add('ALTERED', seq, ours.id, `the record differs: fingerprint ${ours.fingerprint} at the lane, ${theirs.fingerprint} at the gateway`);
    else {
      matched++;
      continue;
    }
    altered.add(seq);
  }

  // The first holder of each content, by sequence number: a later one repeats it.
  const firstByContent = new Map<string, JournalEntry>();
  const repeats = new Map<number, JournalEntry>();
  for (const seq of seqs) {
    if (altered.has(seq)) continue;
    const entry = (lane.get(seq) ?? gateway.get(seq))!;
    const first = firstByContent.get(entry.fingerprint);
    if (first) repeats.set(seq, first);
    else firstByContent.set(entry.fingerprint, entry);
  }

  const laneOnly = seqs.filter((seq) => lane.has(seq) && !gateway.has(seq));
  const heldOnOtherDays = await lookup.holds(laneOnly);
  for (const seq of seqs) {
    if (altered.has(seq)) continue;
    const ours = lane.get(seq);
    const theirs = gateway.get(seq);
    const first = repeats.get(seq);
    const repeated = first ? `the same passage as ${first.id} (sequence ${first.seq})` : '';
    if (ours && theirs) {
      if (first) add('DUPLICATE', seq, ours.id, `${repeated}, held by both the lane and the gateway`, first.id);
    } else if (ours) {
      // The gateway holds this number under another day: listed there, as its content (the passage time) differs.
      if (heldOnOtherDays.has(seq)) continue;
      if (first) add('DUPLICATE', seq, ours.id, `${repeated}, journaled twice by the lane; the gateway holds only the first`, first.id);
      else add('MISSING_AT_GATEWAY', seq, ours.id, RECONCILIATION_EXCEPTIONS.MISSING_AT_GATEWAY);
    } else if (theirs) {
      if (inRanges(report.elsewhere, seq)) add('ALTERED', seq, theirs.id, 'the lane holds this sequence number under another business day: the passage time differs');
      else if (first) add('DUPLICATE', seq, theirs.id, `${repeated}, stored by the gateway under a sequence number the lane did not report`, first.id);
      else add('UNKNOWN_TO_LANE', seq, theirs.id, RECONCILIATION_EXCEPTIONS.UNKNOWN_TO_LANE);
    }
  }

  for (const [first, last] of gapsOf(report)) {
    const held = new Set(await lookup.holdsBetween(first, last));
    for (const [from, to] of without([first, last], held)) add('SEQUENCE_GAP', from, null, `${to - from + 1} sequence number${to === from ? '' : 's'} that neither the lane nor the gateway holds`, null, to);
  }
  exceptions.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0) || a.code.localeCompare(b.code));
  return { exceptions, matched };
}

/**
 * The runs of numbers in (previousSeq, lastSeq] the report neither lists in the day nor
 * elsewhere, each kept when the number after it is the day's: a run followed by a passage of
 * another day belongs to that day's report, so every run is listed once.
 */
function gapsOf(report: LaneReport): SeqRange[] {
  if (report.entries.length === 0) return [];
  const day = rangesOf(report.entries.map((entry) => entry.seq));
  const held = [...day, ...report.elsewhere].sort((a, b) => a[0] - b[0]);
  const gaps: SeqRange[] = [];
  let next = report.previousSeq + 1;
  for (const [first, last] of held) {
    if (first > next && inRanges(day, first)) gaps.push([next, first - 1]);
    next = Math.max(next, last + 1);
  }
  return gaps;
}

/** A range without some of its numbers, as ranges. */
function without([first, last]: SeqRange, held: Set<number>): SeqRange[] {
  if (held.size === 0) return [[first, last]];
  const out: SeqRange[] = [];
  let start = first;
  for (const seq of [...held].filter((value) => value >= first && value <= last).sort((a, b) => a - b)) {
    if (seq > start) out.push([start, seq - 1]);
    start = seq + 1;
  }
  if (start <= last) out.push([start, last]);
  return out;
}
