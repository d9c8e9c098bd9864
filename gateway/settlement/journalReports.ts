import type { Knex } from 'knex';
import { journalDigest, type JournalDayHeader, type JournalDayHeld, type JournalDayPart, type JournalDayReceipt } from '../../protocol/journalDays.js';
import { expandRanges, inRanges, type SeqRange } from '../../protocol/seqRanges.js';
import type { GatewayContext } from '../context.js';
import { lockForTransaction } from '../db/locks.js';
import { toNumber } from '../db/rows.js';
import { GatewayError } from '../errors.js';
import { windowOf } from './businessDays.js';

/** A lane's complete journal-day report, as the gateway holds it. */
export interface LaneJournalDay extends JournalDayHeader {
  laneId: string;
  stationId: string;
  mode: string;
  digest: string;
  completedAt: number;
  seqs: number[];
  ids: string[];
  fingerprints: string[];
}

type StoredHeader = JournalDayHeader & { stationId: string; mode: string };

function headerOf(part: JournalDayPart): StoredHeader {
  const { day, fromMs, toMs, count, lastSeq, previousSeq, elsewhere, stationId, mode } = part;
  return { day, fromMs, toMs, count, lastSeq, previousSeq, elsewhere: elsewhere as SeqRange[], stationId, mode };
}

/** What the gateway holds complete of a lane's days (the lane's acknowledgement). */
export async function heldJournalDays(db: Knex, laneId: string, days: readonly string[]): Promise<Map<string, JournalDayHeld>> {
  const rows = await db('lane_journal_days').where({ lane_id: laneId }).whereIn('day', [...days]).select('day', 'count', 'last_seq', 'digest');
  return new Map(rows.map((row) => [String(row.day), { count: toNumber(row.count), lastSeq: toNumber(row.last_seq), digest: String(row.digest) }]));
}

/**
 * Keep one part of a lane's journal-day report. When every part of its digest is in, the report
 * is assembled and checked (sequence order, count, digest) and becomes the lane's report of the
 * day, replacing an earlier one; a report that does not add up is dropped and refused
 * (JOURNAL_REPORT_INVALID), so the lane sends it again as it now stands.
 */
export async function storeJournalPart(ctx: GatewayContext, part: JournalDayPart): Promise<JournalDayReceipt> {
  const window = windowOf(ctx.config, part.day);
  if (part.fromMs !== window.fromMs || part.toMs !== window.toMs) {
    throw new GatewayError('JOURNAL_REPORT_INVALID', `business day ${part.day} is [${window.fromMs}, ${window.toMs}), not [${part.fromMs}, ${part.toMs}): ask GET /journal-days again`);
  }
  const now = ctx.clock.now();
  if (window.toMs > now) throw new GatewayError('SETTLEMENT_DAY_NOT_OVER', `business day ${part.day} ends at ${new Date(window.toMs).toISOString()}`);
  const header = headerOf(part);
  const outcome = await ctx.knex.transaction(async (trx) => {
    await lockForTransaction(trx, `journal-day:${part.laneId}:${part.day}`);
    const current = await trx('lane_journal_days').where({ lane_id: part.laneId, day: part.day }).first('digest');
    if (current?.digest === part.digest) return { complete: true, partsHeld: part.parts };
    await trx('lane_journal_parts')
      .insert({
        lane_id: part.laneId,
        day: part.day,
        digest: part.digest,
        part: part.part,
        parts: part.parts,
        header: JSON.stringify(header),
        ranges: JSON.stringify(part.ranges),
        ids: JSON.stringify(part.ids),
        fingerprints: JSON.stringify(part.fingerprints),
        received_at: now,
      })
      .onConflict(['lane_id', 'day', 'digest', 'part'])
      .merge();
    const rows = await trx('lane_journal_parts').where({ lane_id: part.laneId, day: part.day, digest: part.digest, parts: part.parts }).orderBy('part').select();
    if (rows.length < part.parts) return { complete: false, partsHeld: rows.length };
    const problem = checkAssembled(header, part.digest, rows);
    if (problem) {
      await trx('lane_journal_parts').where({ lane_id: part.laneId, day: part.day, digest: part.digest }).delete();
      return { complete: false, partsHeld: 0, problem };
    }
    await trx('lane_journal_parts').where({ lane_id: part.laneId, day: part.day }).whereNot('digest', part.digest).delete();
    await trx('lane_journal_days')
      .insert({ lane_id: part.laneId, day: part.day, station_id: part.stationId, mode: part.mode, from_ms: part.fromMs, to_ms: part.toMs, count: part.count, last_seq: part.lastSeq, digest: part.digest, completed_at: now })
      .onConflict(['lane_id', 'day'])
      .merge();
    return { complete: true, partsHeld: part.parts };
  });
  if ('problem' in outcome) throw new GatewayError('JOURNAL_REPORT_INVALID', `journal day ${part.day} of lane ${part.laneId} does not add up: ${outcome.problem}; its parts were dropped`);
  return { day: part.day, digest: part.digest, complete: outcome.complete, partsHeld: outcome.partsHeld, parts: part.parts };
}

interface Assembled {
  seqs: number[];
  ids: string[];
  fingerprints: string[];
}

function assemble(rows: Array<Record<string, unknown>>): Assembled {
  const out: Assembled = { seqs: [], ids: [], fingerprints: [] };
  for (const row of rows) {
    out.seqs.push(...expandRanges(JSON.parse(String(row.ranges)) as SeqRange[]));
    out.ids.push(...(JSON.parse(String(row.ids)) as string[]));
    out.fingerprints.push(...(JSON.parse(String(row.fingerprints)) as string[]));
  }
  return out;
}

/** Why the parts of a report do not make one report; undefined when they do. */
function checkAssembled(header: StoredHeader, digest: string, rows: Array<Record<string, unknown>>): string | undefined {
  if (rows.some((row) => String(row.header) !== JSON.stringify(header))) return 'its parts carry different headers';
  const { seqs, ids, fingerprints } = assemble(rows);
  if (seqs.length !== header.count) return `the header says ${header.count} passages, the parts hold ${seqs.length}`;
  for (let index = 1; index < seqs.length; index++) if (seqs[index] <= seqs[index - 1]) return `sequence ${seqs[index]} follows ${seqs[index - 1]}`;
  if (seqs.length && (seqs[0] <= header.previousSeq || seqs[seqs.length - 1] !== header.lastSeq)) return `its passages run from ${seqs[0]} to ${seqs[seqs.length - 1]}, not within (${header.previousSeq}, ${header.lastSeq}]`;
  const both = seqs.find((seq) => inRanges(header.elsewhere, seq));
  if (both !== undefined) return `sequence ${both} is listed both in the day and elsewhere`;
  if (journalDigest(header, seqs, ids, fingerprints) !== digest) return 'its digest does not match its content';
  return undefined;
}

/** The complete reports of a business day from the lanes of some stations, by lane. */
export async function loadJournalDays(db: Knex, day: string, stationIds: readonly string[]): Promise<Map<string, LaneJournalDay>> {
  const found = new Map<string, LaneJournalDay>();
  const days = await db('lane_journal_days').where({ day }).whereIn('station_id', [...stationIds]).select();
  for (const row of days) {
    const rows = await db('lane_journal_parts').where({ lane_id: row.lane_id, day, digest: row.digest }).orderBy('part').select();
    const header = JSON.parse(String(rows[0]?.header ?? 'null')) as StoredHeader | null;
    if (!header) continue;
    const laneId = String(row.lane_id);
    found.set(laneId, { ...header, laneId, digest: String(row.digest), completedAt: toNumber(row.completed_at), ...assemble(rows) });
  }
  return found;
}

/** How many lanes of these stations hold a complete report of the day. */
export async function countJournalDays(db: Knex, day: string, stationIds: readonly string[]): Promise<number> {
  const row = await db('lane_journal_days').where({ day }).whereIn('station_id', [...stationIds]).count({ n: '*' }).first();
  return toNumber(row?.n ?? 0);
}
