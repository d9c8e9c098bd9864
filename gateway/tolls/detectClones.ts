import type { Knex } from 'knex';
import type { TrustChange } from '../../protocol/laneApi.js';
import { OBU_CLONE_DENY_REASON, type TollException } from '../../protocol/toll.js';
import type { GatewayContext } from '../context.js';
import { chunks } from '../db/bulk.js';
import { lockForTransaction } from '../db/locks.js';
import { toNumber } from '../db/rows.js';
import { comparePassages } from '../journeys/pairing.js';
import type { PassageKey } from '../journeys/reconcilePlan.js';
import type { NetworkCatalog } from '../network/networkCatalog.js';
import { denyToken } from '../trust/denyList.js';
import { cloneReads, type TagConflict, type TagConflictRules, type TagRead } from './tagConflicts.js';

export interface CloneDetection {
  /** The earliest passage whose attribution changed: the vehicle's trips are re-paired from there. */
  changedFrom: PassageKey | undefined;
  /** Reads newly attributed to a clone. */
  found: number;
  /** deny.add of the vehicle token (reason OBU_CLONE_SUSPECTED) when a clone was found. */
  trustChanges: TrustChange[];
}

const MS_PER_HOUR = 3_600_000;

/**
 * Beyond this time apart no two reads can conflict: the longest road of the network (by its
 * sites' positions) driven at the speed limit, plus the clock slack. 0 when no road has positions.
 */
export function conflictHorizonMs(catalog: NetworkCatalog, rules: TagConflictRules): number {
  const spans = new Map<string, { min: number; max: number }>();
  for (const site of catalog.sites) {
    if (site.km === null) continue;
    const span = spans.get(site.line) ?? { min: site.km, max: site.km };
    spans.set(site.line, { min: Math.min(span.min, site.km), max: Math.max(span.max, site.km) });
  }
  const longestKm = Math.max(0, ...[...spans.values()].map((span) => span.max - span.min));
  return longestKm === 0 ? 0 : Math.ceil((longestKm / rules.maxSpeedKmh) * MS_PER_HOUR) + rules.clockSlackMs;
}

/**
 * Find a vehicle's tag reads that a clone made (gateway/tolls/tagConflicts.ts), around newly stored
 * passages (fromMs..toMs), inside the caller's transaction under the vehicle token's lock, and
 * make obu_clone_reads agree: reads newly attributed to a clone are added, reads no longer
 * attributed (a late read changed the picture) are removed. A clone found puts the
 * vehicle token on the deny list with reason OBU_CLONE_SUSPECTED, so every lane refuses the tag.
 * Idempotent: the same passages give the same rows and no second deny.
 */
export async function detectClones(ctx: GatewayContext, trx: Knex.Transaction, catalog: NetworkCatalog, vehicleTokenId: string, span: { fromMs: number; toMs: number }): Promise<CloneDetection> {
  const rules: TagConflictRules = { maxSpeedKmh: ctx.config.obuCloneMaxSpeedKmh, clockSlackMs: ctx.config.obuCloneClockSlackMs };
  const none: CloneDetection = { changedFrom: undefined, found: 0, trustChanges: [] };
  if (rules.maxSpeedKmh <= 0) return none;
  const horizonMs = conflictHorizonMs(catalog, rules);
  if (horizonMs === 0) return none;
  await lockForTransaction(trx, `token:${vehicleTokenId}`);
  // Every read that could conflict with the new ones, and every read that could conflict with those.
  const rows: Array<Record<string, unknown>> = await trx('toll_passages')
    .where({ vehicle_token_id: vehicleTokenId })
    .whereNotNull('tag_id')
    .whereBetween('passed_at', [span.fromMs - 2 * horizonMs, span.toMs + 2 * horizonMs])
    .select('id', 'passed_at', 'station_id', 'tag_id', 'plate', 'exceptions');
  const vehicle = await trx('vehicles').where({ token_id: vehicleTokenId }).first('plate');
  const byTag = new Map<string, TagRead[]>();
  for (const row of rows) {
    const site = catalog.sitesById.get(String(row.station_id));
    const exceptions = JSON.parse(String(row.exceptions)) as TollException[];
    const read: TagRead = {
      id: String(row.id),
      passedAt: toNumber(row.passed_at),
      road: site && site.km !== null ? site.line : null,
      km: site?.km ?? null,
      plateMatches: vehicle !== undefined && row.plate === vehicle.plate && !exceptions.includes('LOW_CONFIDENCE'),
    };
    byTag.set(String(row.tag_id), [...(byTag.get(String(row.tag_id)) ?? []), read]);
  }
  const found = new Map<string, TagConflict & { tagId: string }>();
  for (const [tagId, reads] of byTag) for (const conflict of cloneReads(reads, rules)) found.set(conflict.cloneReadId, { ...conflict, tagId });

  const ids = rows.map((row) => String(row.id));
  const stored = new Set<string>();
  for (const part of chunks(ids)) for (const row of await trx('obu_clone_reads').whereIn('passage_id', part).select('passage_id')) stored.add(String(row.passage_id));
  const removed = [...stored].filter((id) => !found.has(id));
  const added = [...found.values()].filter((read) => !stored.has(read.cloneReadId));
  if (removed.length === 0 && added.length === 0) return none;

  const now = ctx.clock.now();
  for (const part of chunks(removed)) await trx('obu_clone_reads').whereIn('passage_id', part).delete();
  for (const part of chunks(added)) {
    await trx('obu_clone_reads').insert(part.map((read) => ({
      passage_id: read.cloneReadId, vehicle_token_id: vehicleTokenId, tag_id: read.tagId, vehicle_read_id: read.vehicleReadId,
      distance_km: read.distanceKm, gap_ms: read.gapMs, speed_kmh: read.speedKmh, detected_at: now,
    })));
  }
  if (added.length) ctx.metrics.increment('tolls.clone_reads', added.length);
  const changed = new Set([...removed, ...added.map((read) => read.cloneReadId)]);
  const changedFrom = rows
    .filter((row) => changed.has(String(row.id)))
    .map((row) => ({ id: String(row.id), passedAt: toNumber(row.passed_at) }))
    .sort(comparePassages)[0];
  const denied = added.length ? await denyToken(trx, now, vehicleTokenId, OBU_CLONE_DENY_REASON) : undefined;
  return { changedFrom, found: added.length, trustChanges: denied ? [denied] : [] };
}

/** Of these passages, the ones attributed to a clone, and the registered vehicle's reads they conflict with. */
export async function cloneMarks(trx: Knex.Transaction, passageIds: readonly string[]): Promise<{ cloneReads: Set<string>; conflicted: Set<string> }> {
  const cloneReadIds = new Set<string>();
  const conflicted = new Set<string>();
  for (const part of chunks(passageIds)) {
    for (const row of await trx('obu_clone_reads').whereIn('passage_id', part).select('passage_id')) cloneReadIds.add(String(row.passage_id));
    for (const row of await trx('obu_clone_reads').whereIn('vehicle_read_id', part).select('vehicle_read_id')) conflicted.add(String(row.vehicle_read_id));
  }
  return { cloneReads: cloneReadIds, conflicted };
}

/** Toll passages attributed to a clone are never paired: a subquery for whereNotExists. */
export function notACloneRead(db: Knex | Knex.Transaction): Knex.QueryBuilder {
  return db('obu_clone_reads').select('passage_id').whereRaw('obu_clone_reads.passage_id = toll_passages.id');
}
