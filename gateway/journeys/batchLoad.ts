import type { Knex } from 'knex';
import { chunks, rowsOf, valuesSql } from '../db/bulk.js';
import { dialectOf } from '../../db/connect.js';
import { toNumber } from '../db/rows.js';
import type { FamilyLink } from '../funding/familyPayer.js';
import { journeyFromRow, type Journey } from './journeyRecords.js';
import { windowPassageFromRow, type PassageKey, type WindowPassage } from './reconcilePlan.js';
import { PRICING_REACH_MS } from './riderPricing.js';

/**
 * The reads of a batch of tokens, one statement each (per chunk of ids), so that pairing and
 * pricing a whole lane batch costs a fixed number of queries (batchPairer.ts).
 */
type Db = Knex.Transaction;

export interface TokenOwner {
  tokenId: string;
  riderId: string;
  status: string;
  currency: string;
  name: string;
  payLaterLimitMinor: number;
}

export async function loadTokenOwners(trx: Db, tokenIds: readonly string[]): Promise<Map<string, TokenOwner>> {
  const owners = new Map<string, TokenOwner>();
  for (const part of chunks(tokenIds)) {
    const rows = await trx('tokens').join('riders', 'riders.id', 'tokens.rider_id').whereIn('tokens.id', part)
      .select('tokens.id as token_id', 'riders.id as rider_id', 'riders.status', 'riders.currency', 'riders.name', 'riders.pay_later_limit_minor');
    for (const row of rows) owners.set(String(row.token_id), { tokenId: String(row.token_id), riderId: String(row.rider_id), status: String(row.status), currency: String(row.currency), name: String(row.name), payLaterLimitMinor: toNumber(row.pay_later_limit_minor) });
  }
  return owners;
}

export interface BatchFamily {
  /** Family links of the batch's riders who have a family payer, by member. */
  links: Map<string, FamilyLink>;
  /** Riders who pay for someone: the batch's own, and the payers of its members. */
  payers: Set<string>;
}

/** The family links the batch's riders are in, on either side. */
export async function loadFamilyLinks(trx: Db, riderIds: readonly string[]): Promise<BatchFamily> {
  const family: BatchFamily = { links: new Map(), payers: new Set() };
  const riders = new Set(riderIds);
  for (const part of chunks(riderIds)) {
    const rows = await trx('family_links').whereIn('member_rider_id', part).orWhereIn('payer_rider_id', part).select();
    for (const row of rows) {
      const link: FamilyLink = { memberRiderId: String(row.member_rider_id), payerRiderId: String(row.payer_rider_id), monthlyLimitMinor: toNumber(row.monthly_limit_minor), createdAt: toNumber(row.created_at) };
      if (riders.has(link.memberRiderId)) family.links.set(link.memberRiderId, link);
      family.payers.add(link.payerRiderId);
    }
  }
  return family;
}

/** What each member's payer has paid for them in the month (familySpentMinor for many links at once). */
export async function loadFamilySpent(trx: Db, links: readonly FamilyLink[], month: string): Promise<Map<string, number>> {
  const spent = new Map<string, number>(links.map((link) => [link.memberRiderId, 0]));
  for (const part of chunks(links)) {
    const rows: Array<Record<string, unknown>> = await trx('payer_notices')
      .whereIn('member_rider_id', part.map((link) => link.memberRiderId))
      .where({ month })
      .groupBy('member_rider_id', 'payer_rider_id')
      .select('member_rider_id', 'payer_rider_id')
      .sum({ total: 'amount_minor' });
    const payerOf = new Map(part.map((link) => [link.memberRiderId, link.payerRiderId]));
    for (const row of rows) if (payerOf.get(String(row.member_rider_id)) === String(row.payer_rider_id)) spent.set(String(row.member_rider_id), toNumber(row.total ?? 0));
  }
  return spent;
}

/**
 * A join that looks each row of the VALUES list up on its own (through the index on token or
 * rider and time). PostgreSQL needs LATERAL for that, and without it may plan a scan of the whole
 * table when its statistics lag behind a growing table (10 ms a statement, measured on the
 * pricing benchmark); SQLite has no LATERAL and looks rows up per row anyway. OFFSET 0 keeps the
 * planner from pulling a simple LATERAL subquery up into a plain join, which it then planned as a
 * hash join over a scan of every journey (13 ms for 55 riders over 13,500 journeys, growing with
 * the table; 0.05 ms a rider through the index).
 */
function eachRow(trx: Db, table: string, condition: string): string {
  const alias = table.split(' ')[1];
  return dialectOf(trx) === 'pg' ? `CROSS JOIN LATERAL (SELECT * FROM ${table} WHERE ${condition} OFFSET 0) AS ${alias}` : `JOIN ${table} ON ${condition}`;
}

/**
 * Each token's passages from the time of its last exit strictly before `from` (all of them if
 * none): a superset of what reconcileToken reads, cut to the window by windowAfterBoundary.
 */
export async function loadTokenPassages(trx: Db, froms: ReadonlyMap<string, PassageKey>): Promise<Map<string, WindowPassage[]>> {
  const byToken = new Map<string, WindowPassage[]>();
  for (const part of chunks([...froms.entries()])) {
    const values = valuesSql(trx, part.map(([tokenId, from]) => [tokenId, from.passedAt]), ['text', 'bigint']);
    const result = await trx.raw(
      `WITH f(token_id, from_at) AS (${values.sql}),
       b AS (SELECT f.token_id, (SELECT MAX(p.passed_at) FROM passages p WHERE p.token_id = f.token_id AND p.direction = 'exit' AND p.passed_at < f.from_at) AS boundary_at FROM f)
       SELECT p.token_id, p.id, p.direction, p.station_id, p.mode, p.passed_at, p.received_at, p.fare_class, p.journey_id
       FROM b ${eachRow(trx, 'passages p', 'p.token_id = b.token_id AND p.passed_at >= COALESCE(b.boundary_at, -1)')}`,
      values.bindings,
    );
    for (const row of rowsOf(result)) {
      const tokenId = String(row.token_id);
      const list = byToken.get(tokenId) ?? [];
      list.push(windowPassageFromRow(row));
      byToken.set(tokenId, list);
    }
  }
  return byToken;
}

export async function loadJourneysById(trx: Db, ids: readonly string[]): Promise<Map<string, Journey>> {
  const found = new Map<string, Journey>();
  for (const part of chunks(ids)) for (const row of await trx('journeys').whereIn('id', part).select()) found.set(String(row.id), journeyFromRow(row));
  return found;
}

/** Each rider's transit journeys that are not void and began within PRICING_REACH_MS of [fromMs, toMs] (toll trips are priced on their own: gateway/tolls). */
export async function loadRiderJourneys(trx: Db, ranges: ReadonlyMap<string, { fromMs: number; toMs: number }>): Promise<Map<string, Journey[]>> {
  const byRider = new Map<string, Journey[]>();
  for (const part of chunks([...ranges.entries()])) {
    const values = valuesSql(trx, part.map(([riderId, range]) => [riderId, range.fromMs - PRICING_REACH_MS, range.toMs + PRICING_REACH_MS]), ['text', 'bigint', 'bigint']);
    const result = await trx.raw(
      `WITH r(rider_id, lo, hi) AS (${values.sql})
       SELECT j.* FROM r ${eachRow(trx, 'journeys j', "j.rider_id = r.rider_id AND j.started_at > r.lo AND j.started_at < r.hi AND j.status <> 'void' AND j.mode <> 'toll'")}`,
      values.bindings,
    );
    for (const row of rowsOf(result)) {
      const journey = journeyFromRow(row);
      const list = byRider.get(journey.riderId!) ?? [];
      list.push(journey);
      byRider.set(journey.riderId!, list);
    }
  }
  return byRider;
}

export async function loadBalances(trx: Db, accountIds: readonly string[]): Promise<Map<string, number>> {
  const balances = new Map<string, number>(accountIds.map((id) => [id, 0]));
  for (const part of chunks(accountIds)) {
    const rows: Array<Record<string, unknown>> = await trx('ledger_entries').whereIn('account_id', part).groupBy('account_id').select('account_id').sum({ total: 'amount_minor' });
    for (const row of rows) balances.set(String(row.account_id), toNumber(row.total ?? 0));
  }
  return balances;
}

/** Journeys that already have a charge or adjust posting (a later one is a correction). */
export async function loadChargedJourneys(trx: Db, journeyIds: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const part of chunks(journeyIds)) {
    const rows = await trx('postings').whereIn('journey_id', part).whereIn('kind', ['charge', 'adjust']).distinct('journey_id');
    for (const row of rows) found.add(String(row.journey_id));
  }
  return found;
}

export async function loadExistingKeys(trx: Db, keys: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const part of chunks(keys)) for (const row of await trx('postings').whereIn('idempotency_key', part).select('idempotency_key')) found.add(String(row.idempotency_key));
  return found;
}

export interface DebtorState {
  /** Open arrears records (not settled). */
  open: Array<{ state: string; graceEndsAt: number }>;
  tokens: Array<{ tokenId: string; denyReason: string | null }>;
}

/** What the arrears cycle reads for each rider: open debts, and the deny state of every token. */
export async function loadDebtorStates(trx: Db, riderIds: readonly string[]): Promise<Map<string, DebtorState>> {
  const states = new Map<string, DebtorState>(riderIds.map((id) => [id, { open: [], tokens: [] }]));
  for (const part of chunks(riderIds)) {
    const arrears = await trx('arrears').whereIn('owner_id', part).whereNot('state', 'settled').select('owner_id', 'state', 'grace_ends_at');
    for (const row of arrears) states.get(String(row.owner_id))?.open.push({ state: String(row.state), graceEndsAt: toNumber(row.grace_ends_at) });
    const tokens = await trx('tokens').leftJoin('deny_list', 'deny_list.token_id', 'tokens.id').whereIn('tokens.rider_id', part).select('tokens.id', 'tokens.rider_id', 'deny_list.reason');
    for (const row of tokens) states.get(String(row.rider_id))?.tokens.push({ tokenId: String(row.id), denyReason: (row.reason as string | null) ?? null });
    // Vehicle tokens are denied and released with the phone tokens (riderRecords.tokensOfRider).
    const vehicles = await trx('vehicles').leftJoin('deny_list', 'deny_list.token_id', 'vehicles.token_id').whereIn('vehicles.rider_id', part).select('vehicles.token_id as id', 'vehicles.rider_id', 'deny_list.reason');
    for (const row of vehicles) states.get(String(row.rider_id))?.tokens.push({ tokenId: String(row.id), denyReason: (row.reason as string | null) ?? null });
  }
  return states;
}

/** Net paid per account on each journey (negated entry sums: what each payer has paid, the operator's revenue negative). */
export async function loadPaidByAccount(trx: Db, journeyIds: readonly string[]): Promise<Map<string, Map<string, number>>> {
  const paid = new Map<string, Map<string, number>>(journeyIds.map((id) => [id, new Map()]));
  for (const part of chunks(journeyIds)) {
    const rows: Array<Record<string, unknown>> = await trx('ledger_entries')
      .join('postings', 'postings.id', 'ledger_entries.posting_id')
      .whereIn('postings.journey_id', part)
      .groupBy('postings.journey_id', 'ledger_entries.account_id')
      .select('postings.journey_id', 'ledger_entries.account_id')
      .sum({ total: 'ledger_entries.amount_minor' });
    for (const row of rows) paid.get(String(row.journey_id))?.set(String(row.account_id), -toNumber(row.total ?? 0));
  }
  return paid;
}
