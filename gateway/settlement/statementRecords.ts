import type { Knex } from 'knex';
import { BULK_CHUNK, chunks } from '../db/bulk.js';
import { toNullableNumber, toNumber } from '../db/rows.js';
import type { ReconciliationCode, SettlementException } from './laneReconciliation.js';
import type { ChargeLine } from './settlementMoney.js';
import type { LaneSummary, SettlementStatement, SettlementTotals } from './statement.js';
import type { PassageLine } from './storedPassages.js';

type Db = Knex | Knex.Transaction;
type Section = 'passages' | 'charges' | 'lanes';

/** A closed statement in a list of days: its totals, without its lines. */
export interface ClosedSummary {
  id: string;
  day: string;
  closedAt: number;
  closedBy: string | null;
  digest: string;
  totals: SettlementTotals;
}

/** Store a closed statement, its lines and its exceptions (the tables refuse any later change). */
export async function saveClosedStatement(trx: Knex.Transaction, id: string, statement: SettlementStatement): Promise<void> {
  await trx('settlement_statements').insert({
    id,
    operator_id: statement.operatorId,
    day: statement.day,
    from_ms: statement.fromMs,
    to_ms: statement.toMs,
    currency: statement.currency,
    closed_at: statement.closedAt,
    closed_by: statement.closedBy,
    passages: statement.totals.passages,
    net_minor: statement.totals.netMinor,
    exceptions: statement.totals.exceptions,
    totals: JSON.stringify({ ...statement.totals, operatorName: statement.operatorName, timeZone: statement.timeZone, cutoff: statement.cutoff }),
    digest: statement.digest,
  });
  const sections: Array<[Section, Array<PassageLine | ChargeLine | LaneSummary>]> = [['passages', statement.passages], ['charges', statement.charges], ['lanes', statement.lanes]];
  const lines = sections.flatMap(([section, items]) => items.map((item) => ({ section, item })));
  for (const [index, part] of chunks(lines).entries()) {
    await trx('settlement_lines').insert(
      part.map(({ section, item }, offset) => ({ statement_id: id, line_no: index * BULK_CHUNK + offset, section, lane_id: item.laneId, data: JSON.stringify(item) })),
    );
  }
  for (const [index, part] of chunks(statement.exceptions).entries()) {
    await trx('settlement_exceptions').insert(
      part.map((exception, offset) => ({
        statement_id: id,
        line_no: index * BULK_CHUNK + offset,
        code: exception.code,
        lane_id: exception.laneId,
        lane_seq: exception.seq,
        lane_seq_to: exception.seqTo,
        passage_id: exception.passageId,
        related_passage_id: exception.relatedPassageId,
        detail: exception.detail,
      })),
    );
  }
}

function summaryOf(row: Record<string, unknown>): ClosedSummary & { extra: { operatorName: string; timeZone: string; cutoff: string } } {
  const { operatorName, timeZone, cutoff, ...totals } = JSON.parse(String(row.totals)) as SettlementTotals & { operatorName: string; timeZone: string; cutoff: string };
  return { id: String(row.id), day: String(row.day), closedAt: toNumber(row.closed_at), closedBy: (row.closed_by as string | null) ?? null, digest: String(row.digest), totals, extra: { operatorName, timeZone, cutoff } };
}

export async function listClosedStatements(db: Db, operatorId: string, days: readonly string[]): Promise<Map<string, ClosedSummary>> {
  const rows = await db('settlement_statements').where({ operator_id: operatorId }).whereIn('day', [...days]).select();
  return new Map(rows.map((row) => [String(row.day), summaryOf(row)]));
}

export async function closedStatementExists(db: Db, operatorId: string, day: string): Promise<boolean> {
  return (await db('settlement_statements').where({ operator_id: operatorId, day }).first('id')) !== undefined;
}

/** A closed statement exactly as it was closed. */
export async function loadClosedStatement(db: Db, operatorId: string, day: string): Promise<SettlementStatement | undefined> {
  const row = await db('settlement_statements').where({ operator_id: operatorId, day }).first();
  if (!row) return undefined;
  const summary = summaryOf(row);
  const lines = await db('settlement_lines').where({ statement_id: summary.id }).orderBy('line_no').select('section', 'data');
  const of = <T>(section: Section) => lines.filter((line) => line.section === section).map((line) => JSON.parse(String(line.data)) as T);
  const exceptions = await db('settlement_exceptions').where({ statement_id: summary.id }).orderBy('line_no').select();
  return {
    operatorId,
    operatorName: summary.extra.operatorName,
    day,
    fromMs: toNumber(row.from_ms),
    toMs: toNumber(row.to_ms),
    timeZone: summary.extra.timeZone,
    cutoff: summary.extra.cutoff,
    currency: String(row.currency),
    state: 'closed',
    computedAt: summary.closedAt,
    closedAt: summary.closedAt,
    closedBy: summary.closedBy,
    digest: summary.digest,
    totals: summary.totals,
    passages: of<PassageLine>('passages'),
    charges: of<ChargeLine>('charges'),
    lanes: of<LaneSummary>('lanes'),
    exceptions: exceptions.map(
      (exception): SettlementException => ({
        code: exception.code as ReconciliationCode,
        laneId: String(exception.lane_id),
        seq: toNullableNumber(exception.lane_seq),
        seqTo: toNullableNumber(exception.lane_seq_to),
        passageId: (exception.passage_id as string | null) ?? null,
        relatedPassageId: (exception.related_passage_id as string | null) ?? null,
        detail: String(exception.detail),
      }),
    ),
  };
}
