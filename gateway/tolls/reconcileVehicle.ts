import type { Knex } from 'knex';
import type { TrustChange } from '../../protocol/laneApi.js';
import type { TollException } from '../../protocol/toll.js';
import type { GatewayContext } from '../context.js';
import { lockForTransaction } from '../db/locks.js';
import { toNumber } from '../db/rows.js';
import { saveCharged } from '../journeys/chargeJourney.js';
import { journeyFromRow, journeyIdFor, type Journey } from '../journeys/journeyRecords.js';
import { comparePassages } from '../journeys/pairing.js';
import { planPricedSaves, planVoids, type PassageKey } from '../journeys/reconcilePlan.js';
import type { NetworkCatalog } from '../network/networkCatalog.js';
import { RollupDelta } from '../reports/rollupDelta.js';
import { settleFundingStatus } from '../riders/fundingStatus.js';
import { cloneMarks, notACloneRead } from './detectClones.js';
import { tollJourneyOf, tollTariffAt } from './tollJourneys.js';
import { pairTollPassages, passagesOfTrip, type TollPairingPassage } from './tollPairing.js';

type WindowPassage = TollPairingPassage & { tripId: string | null };

const DEFAULT_GANTRY_GAP_MIN = 30;

export interface VehicleReconcileResult {
  changed: Array<{ journey: Journey; postedMinor: number }>;
  trustChanges: TrustChange[];
}

function fromRow(row: Record<string, unknown>): WindowPassage {
  return {
    id: String(row.id),
    stationId: String(row.station_id),
    siteKind: row.site_kind as WindowPassage['siteKind'],
    direction: row.direction as WindowPassage['direction'],
    action: row.action as WindowPassage['action'],
    passedAt: toNumber(row.passed_at),
    receivedAt: toNumber(row.received_at),
    vehicleClass: String(row.vehicle_class),
    tagId: (row.tag_id as string | null) ?? null,
    exceptions: JSON.parse(String(row.exceptions)) as TollException[],
    entry: row.entry ? (JSON.parse(String(row.entry)) as WindowPassage['entry']) : null,
    tripId: (row.trip_id as string | null) ?? null,
  };
}

/**
 * Re-pair one vehicle's toll passages from where a change can reach, and make the stored trips
 * (journeys, mode 'toll') and the ledger agree with the result, as reconcileToken.ts does for
 * riders' tokens: inside the caller's transaction, under the vehicle token's lock, idempotent.
 *
 * Where it starts: pairing restarts cleanly at the first passage of any trip (nothing before it
 * carries over), so it starts at the first passage of the trip holding the latest linked passage
 * at or before `from`; with none, at the earliest of `from` and the vehicle's unlinked passages.
 *
 * Reads attributed to a clone of the vehicle's tag (detectClones.ts) take part in no trip; the
 * vehicle's reads they conflict with carry OBU_CLONE_SUSPECTED on their trip, for review.
 */
export async function reconcileVehicle(ctx: GatewayContext, trx: Knex.Transaction, catalog: NetworkCatalog, vehicleTokenId: string, from: PassageKey): Promise<VehicleReconcileResult> {
  await lockForTransaction(trx, `token:${vehicleTokenId}`);
  const now = ctx.clock.now();
  const start = await restartPoint(trx, vehicleTokenId, from);
  const rows: Array<Record<string, unknown>> = await trx('toll_passages').where({ vehicle_token_id: vehicleTokenId }).where('passed_at', '>=', start.passedAt).select();
  const window = rows.map(fromRow).filter((passage) => comparePassages(passage, start) >= 0);
  if (window.length === 0) return { changed: [], trustChanges: [] };
  const marks = await cloneMarks(trx, window.map((passage) => passage.id));
  const vehicleReads = window
    .filter((passage) => !marks.cloneReads.has(passage.id))
    .map((passage) => (marks.conflicted.has(passage.id) && !passage.exceptions.includes('OBU_CLONE_SUSPECTED') ? { ...passage, exceptions: [...passage.exceptions, 'OBU_CLONE_SUSPECTED' as const] } : passage));

  const vehicle = await trx('vehicles').where({ token_id: vehicleTokenId }).first('rider_id');
  const riderId = vehicle ? String(vehicle.rider_id) : null;
  const pairing = pairTollPassages(vehicleReads, {
    nowMs: now,
    missingExitTimeoutMs: ctx.config.missingExitTimeoutS * 1000,
    unpairedExitHoldMs: ctx.config.unpairedExitHoldS * 1000,
    gantryGapMs: (passage) => (tollTariffAt(catalog, passage.stationId, passage.passedAt)?.data.fare.gantryTripGapMin ?? DEFAULT_GANTRY_GAP_MIN) * 60_000,
  });
  const derived = new Map(pairing.trips.map((trip) => [journeyIdFor(trip.anchor.id), tollJourneyOf(trip, { tokenId: vehicleTokenId, riderId }, catalog, ctx.config.currency)]));
  const referenced = [...new Set([...derived.keys(), ...window.flatMap((passage) => (passage.tripId ? [passage.tripId] : []))])];
  const storedRows = referenced.length ? await trx('journeys').whereIn('id', referenced).select() : [];
  const stored = new Map(storedRows.map((row) => [String(row.id), journeyFromRow(row)]));

  const changed: VehicleReconcileResult['changed'] = [];
  const rollups = new RollupDelta();
  const { voided } = planVoids(derived, stored);
  for (const journey of voided) changed.push(await saveCharged(ctx, trx, now, journey, true, rollups));
  for (const { journey, exists } of planPricedSaves(stored, { fresh: [...derived.values()], others: [] })) changed.push(await saveCharged(ctx, trx, now, journey, exists, rollups));

  const wanted = new Map<string, string | null>();
  for (const trip of pairing.trips) for (const passage of passagesOfTrip(trip)) wanted.set(passage.id, journeyIdFor(trip.anchor.id));
  for (const passage of window) {
    const tripId = wanted.get(passage.id) ?? null;
    if (passage.tripId !== tripId) await trx('toll_passages').where({ id: passage.id }).update({ trip_id: tripId });
  }
  const trustChanges = riderId && changed.some((item) => item.postedMinor !== 0) ? await settleFundingStatus(ctx, trx, now, riderId) : [];
  await rollups.write(trx);
  return { changed, trustChanges };
}

async function restartPoint(trx: Knex.Transaction, vehicleTokenId: string, from: PassageKey): Promise<PassageKey> {
  const linked: Array<Record<string, unknown>> = await trx('toll_passages')
    .where({ vehicle_token_id: vehicleTokenId })
    .whereNotNull('trip_id')
    .where('passed_at', '<=', from.passedAt)
    .orderBy([{ column: 'passed_at', order: 'desc' }, { column: 'id', order: 'desc' }])
    .limit(16)
    .select('id', 'passed_at', 'trip_id');
  const latest = linked.find((row) => comparePassages({ id: String(row.id), passedAt: toNumber(row.passed_at) }, from) <= 0);
  if (latest) {
    const first = await trx('toll_passages').where({ trip_id: latest.trip_id }).orderBy([{ column: 'passed_at' }, { column: 'id' }]).first('id', 'passed_at');
    return { id: String(first.id), passedAt: toNumber(first.passed_at) };
  }
  const unlinked = await trx('toll_passages')
    .where({ vehicle_token_id: vehicleTokenId })
    .whereNull('trip_id')
    .whereNot((query) => query.where({ direction: 'entry', action: 'divert' }))
    .whereNotExists(notACloneRead(trx))
    .orderBy([{ column: 'passed_at' }, { column: 'id' }])
    .first('id', 'passed_at');
  const earliest = unlinked ? { id: String(unlinked.id), passedAt: toNumber(unlinked.passed_at) } : undefined;
  return earliest && comparePassages(earliest, from) < 0 ? earliest : from;
}

