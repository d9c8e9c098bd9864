import { chunks, valuesSql } from '../db/bulk.js';
import { dialectOf } from '../../db/connect.js';
import { toNumber } from '../db/rows.js';
import { statementOf, type Reads, type Statement } from '../db/together.js';
import type { FamilyLink } from '../funding/familyPayer.js';
import { journeyFactsOfRow, type JourneyFacts } from '../reports/journeyRollup.js';
import { journeyFromRow, type Journey } from './journeyRecords.js';
import { windowPassageFromRow, type PassageKey, type WindowPassage } from './reconcilePlan.js';
import { PRICING_REACH_MS } from './riderPricing.js';

/**
 * The reads of a batch of tokens (batchPairer.ts), one query each (per chunk of ids) whatever the
 * batch's size. Each loader queues its query on a Reads and returns what the query fills in once
 * the caller has run them: reads that do not depend on one another go to the database together.
 */
type Row = Record<string, unknown>;

export interface TokenOwner {
  tokenId: string;
  riderId: string;
  status: string;
  currency: string;
  name: string;
  payLaterLimitMinor: number;
}

/**
 * A join that looks each row of the list up on its own (through the index on token or rider and
 * time). PostgreSQL needs LATERAL for that: with a list of a few hundred ids its estimates lead it
 * to scan the whole table (ledger_entries, postings, riders: 4-10 ms a statement on the pricing
 * benchmark, growing with the table), and OFFSET 0 keeps it from pulling a simple LATERAL subquery
 * up into a plain join, which it then planned as a hash join over a scan of every journey (13 ms
 * for 55 riders over 13,500 journeys; 0.05 ms a rider through the index). SQLite has no LATERAL
 * and looks rows up per row anyway.
 */
function eachRow(reads: Reads, table: string, condition: string): string {
  const alias = table.split(' ')[1];
  return dialectOf(reads.trx) === 'pg' ? `CROSS JOIN LATERAL (SELECT * FROM ${table} WHERE ${condition} OFFSET 0) AS ${alias}` : `JOIN ${table} ON ${condition}`;
}

/** One query per chunk of a list of ids, `WITH <name>(<column>) AS (<the ids>) <select>`. */
function readEach(reads: Reads, ids: readonly string[], name: string, select: string, take: (row: Row) => void): void {
  for (const part of chunks([...new Set(ids)])) {
    const values = valuesSql(reads.trx, part.map((id) => [id]), ['text']);
    reads.read({ sql: `WITH ${name} AS (${values.sql}) ${select}`, bindings: values.bindings }, (rows) => rows.forEach(take));
  }
}

export function loadTokenOwners(reads: Reads, tokenIds: readonly string[]): Map<string, TokenOwner> {
  const owners = new Map<string, TokenOwner>();
  readEach(reads, tokenIds, 'k(token_id)', `SELECT t.id AS token_id, r.id AS rider_id, r.status, r.currency, r.name, r.pay_later_limit_minor FROM k ${eachRow(reads, 'tokens t', 't.id = k.token_id')} JOIN riders r ON r.id = t.rider_id`, (row) =>
    owners.set(String(row.token_id), { tokenId: String(row.token_id), riderId: String(row.rider_id), status: String(row.status), currency: String(row.currency), name: String(row.name), payLaterLimitMinor: toNumber(row.pay_later_limit_minor) }),
  );
  return owners;
}

export interface BatchFamily {
  /** Family links of the batch's riders who have a family payer, by member. */
  links: Map<string, FamilyLink>;
  /** Riders who pay for someone: the batch's own, and the payers of its members. */
  payers: Set<string>;
}

/** The family links the owners of these tokens are in, on either side (batchFamily picks the batch's). */
export function loadFamilyLinksOfTokens(reads: Reads, tokenIds: readonly string[]): FamilyLink[] {
  const links: FamilyLink[] = [];
  const side = (column: string) => `SELECT l.* FROM k ${eachRow(reads, 'tokens t', 't.id = k.token_id')} ${eachRow(reads, 'family_links l', `l.${column} = t.rider_id`)}`;
  readEach(reads, tokenIds, 'k(token_id)', `${side('member_rider_id')} UNION ${side('payer_rider_id')}`, (row) =>
    links.push({ memberRiderId: String(row.member_rider_id), payerRiderId: String(row.payer_rider_id), monthlyLimitMinor: toNumber(row.monthly_limit_minor), createdAt: toNumber(row.created_at) }),
  );
  return links;
}

/** The links of the given riders, on either side. */
export function batchFamily(links: readonly FamilyLink[], riderIds: readonly string[]): BatchFamily {
  const riders = new Set(riderIds);
  const family: BatchFamily = { links: new Map(), payers: new Set() };
  for (const link of links) {
    if (!riders.has(link.memberRiderId) && !riders.has(link.payerRiderId)) continue;
    if (riders.has(link.memberRiderId)) family.links.set(link.memberRiderId, link);
    family.payers.add(link.payerRiderId);
  }
  return family;
}

/** What each member's payer has paid for them in the month (familySpentMinor for many links at once). */
export function loadFamilySpent(reads: Reads, links: readonly FamilyLink[], month: string): Map<string, number> {
  const spent = new Map<string, number>(links.map((link) => [link.memberRiderId, 0]));
  for (const part of chunks(links)) {
    const values = valuesSql(reads.trx, part.map((link) => [link.memberRiderId, link.payerRiderId]), ['text', 'text']);
    reads.read(
      {
        sql: `WITH l(member_rider_id, payer_rider_id) AS (${values.sql})
         SELECT l.member_rider_id, (SELECT SUM(n.amount_minor) FROM payer_notices n WHERE n.member_rider_id = l.member_rider_id AND n.payer_rider_id = l.payer_rider_id AND n.month = ?) AS total FROM l`,
        bindings: [...values.bindings, month],
      },
      (rows) => rows.forEach((row) => spent.set(String(row.member_rider_id), toNumber(row.total ?? 0))),
    );
  }
  return spent;
}

/**
 * Each token's passages from the time of its last exit strictly before `from` (all of them if
 * none): a superset of what reconcileToken reads, cut to the window by windowAfterBoundary.
 */
export function loadTokenPassages(reads: Reads, froms: ReadonlyMap<string, PassageKey>): Map<string, WindowPassage[]> {
  const byToken = new Map<string, WindowPassage[]>();
  for (const part of chunks([...froms.entries()])) {
    const values = valuesSql(reads.trx, part.map(([tokenId, from]) => [tokenId, from.passedAt]), ['text', 'bigint']);
    reads.read(
      {
        sql: `WITH f(token_id, from_at) AS (${values.sql}),
         b AS (SELECT f.token_id, (SELECT MAX(p.passed_at) FROM passages p WHERE p.token_id = f.token_id AND p.direction = 'exit' AND p.passed_at < f.from_at) AS boundary_at FROM f)
         SELECT p.token_id, p.id, p.direction, p.station_id, p.mode, p.passed_at, p.received_at, p.fare_class, p.journey_id
         FROM b ${eachRow(reads, 'passages p', 'p.token_id = b.token_id AND p.passed_at >= COALESCE(b.boundary_at, -1)')}`,
        bindings: values.bindings,
      },
      (rows) => {
        for (const row of rows) {
          const tokenId = String(row.token_id);
          const list = byToken.get(tokenId) ?? [];
          list.push(windowPassageFromRow(row));
          byToken.set(tokenId, list);
        }
      },
    );
  }
  return byToken;
}

/**
 * Stored journeys: by id, and each rider's transit journeys that are not void and began within
 * PRICING_REACH_MS of [fromMs, toMs] (toll trips are priced on their own: gateway/tolls), in one
 * query of plain rows (as JSON, a journey row is half again as long); the rollup facts of every row
 * as stored go into `facts`.
 */
export function loadJourneys(reads: Reads, ids: readonly string[], ranges: ReadonlyMap<string, { fromMs: number; toMs: number }>, facts: Map<string, JourneyFacts>): { byId: Map<string, Journey>; byRider: Map<string, Journey[]> } {
  const byId = new Map<string, Journey>();
  const byRider = new Map<string, Journey[]>();
  const take = (row: Row) => {
    const journey = journeyFromRow(row);
    facts.set(journey.id, journeyFactsOfRow(row));
    if (row.wanted === 'id') byId.set(journey.id, journey);
    else {
      const list = byRider.get(journey.riderId!) ?? [];
      list.push(journey);
      byRider.set(journey.riderId!, list);
    }
  };
  const parts: Statement[] = [];
  for (const part of chunks([...new Set(ids)])) {
    const values = valuesSql(reads.trx, part.map((id) => [id]), ['text']);
    parts.push({ sql: `WITH i(id) AS (${values.sql}) SELECT 'id' AS wanted, j.* FROM i ${eachRow(reads, 'journeys j', 'j.id = i.id')}`, bindings: values.bindings });
  }
  for (const part of chunks([...ranges.entries()])) {
    const values = valuesSql(reads.trx, part.map(([riderId, range]) => [riderId, range.fromMs - PRICING_REACH_MS, range.toMs + PRICING_REACH_MS]), ['text', 'bigint', 'bigint']);
    parts.push({
      sql: `WITH r(rider_id, lo, hi) AS (${values.sql})
       SELECT 'rider' AS wanted, j.* FROM r ${eachRow(reads, 'journeys j', "j.rider_id = r.rider_id AND j.started_at > r.lo AND j.started_at < r.hi AND j.status <> 'void' AND j.mode <> 'toll'")}`,
      bindings: values.bindings,
    });
  }
  if (dialectOf(reads.trx) === 'pg' && parts.length > 1) reads.read({ sql: parts.map((part) => `(${part.sql})`).join(' UNION ALL '), bindings: parts.flatMap((part) => part.bindings) }, (rows) => rows.forEach(take), { plain: true });
  else for (const part of parts) reads.read(part, (rows) => rows.forEach(take), { plain: true });
  return { byId, byRider };
}

export function loadBalances(reads: Reads, accountIds: readonly string[]): Map<string, number> {
  const balances = new Map<string, number>(accountIds.map((id) => [id, 0]));
  readEach(reads, accountIds, 'a(account_id)', 'SELECT a.account_id, (SELECT SUM(e.amount_minor) FROM ledger_entries e WHERE e.account_id = a.account_id) AS total FROM a', (row) =>
    balances.set(String(row.account_id), toNumber(row.total ?? 0)),
  );
  return balances;
}

/** Journeys that already have a charge or adjust posting (a later one is a correction). */
export function loadChargedJourneys(reads: Reads, journeyIds: readonly string[]): Set<string> {
  const found = new Set<string>();
  readEach(reads, journeyIds, 'j(id)', "SELECT j.id FROM j WHERE EXISTS (SELECT 1 FROM postings p WHERE p.journey_id = j.id AND p.kind IN ('charge', 'adjust'))", (row) => found.add(String(row.id)));
  return found;
}

export function loadExistingKeys(reads: Reads, keys: readonly string[]): Set<string> {
  const found = new Set<string>();
  readEach(reads, keys, 'k(key)', 'SELECT k.key FROM k WHERE EXISTS (SELECT 1 FROM postings p WHERE p.idempotency_key = k.key)', (row) => found.add(String(row.key)));
  return found;
}

export interface DebtorState {
  /** Open arrears records (not settled). */
  open: Array<{ state: string; graceEndsAt: number }>;
  tokens: Array<{ tokenId: string; denyReason: string | null }>;
}

/** What the arrears cycle reads for each rider: open debts, and the deny state of every token. */
export function loadDebtorStates(reads: Reads, riderIds: readonly string[]): Map<string, DebtorState> {
  const states = new Map<string, DebtorState>(riderIds.map((id) => [id, { open: [], tokens: [] }]));
  readEach(reads, riderIds, 'r(rider_id)', `SELECT a.owner_id, a.state, a.grace_ends_at FROM r ${eachRow(reads, 'arrears a', "a.owner_id = r.rider_id AND a.state <> 'settled'")}`, (row) =>
    states.get(String(row.owner_id))?.open.push({ state: String(row.state), graceEndsAt: toNumber(row.grace_ends_at) }),
  );
  // Vehicle tokens are denied and released with the phone tokens (riderRecords.tokensOfRider).
  readEach(
    reads,
    riderIds,
    'r(rider_id)',
    `SELECT t.id, t.rider_id, d.reason FROM r ${eachRow(reads, 'tokens t', 't.rider_id = r.rider_id')} LEFT JOIN deny_list d ON d.token_id = t.id
     UNION ALL SELECT v.token_id AS id, v.rider_id, d.reason FROM r ${eachRow(reads, 'vehicles v', 'v.rider_id = r.rider_id')} LEFT JOIN deny_list d ON d.token_id = v.token_id`,
    (row) => states.get(String(row.rider_id))?.tokens.push({ tokenId: String(row.id), denyReason: (row.reason as string | null) ?? null }),
  );
  return states;
}

/** Net paid per account on each journey (negated entry sums: what each payer has paid, the operator's revenue negative). */
export function loadPaidByAccount(reads: Reads, journeyIds: readonly string[]): Map<string, Map<string, number>> {
  const paid = new Map<string, Map<string, number>>(journeyIds.map((id) => [id, new Map()]));
  for (const part of chunks(journeyIds)) {
    const query = reads
      .trx('ledger_entries')
      .join('postings', 'postings.id', 'ledger_entries.posting_id')
      .whereIn('postings.journey_id', part)
      .groupBy('postings.journey_id', 'ledger_entries.account_id')
      .select('postings.journey_id', 'ledger_entries.account_id')
      .sum({ total: 'ledger_entries.amount_minor' });
    reads.read(statementOf(query), (rows) => rows.forEach((row) => paid.get(String(row.journey_id))?.set(String(row.account_id), -toNumber(row.total ?? 0))));
  }
  return paid;
}
