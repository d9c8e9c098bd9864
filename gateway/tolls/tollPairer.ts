import { publishAfterCommit, type GatewayContext } from '../context.js';
import { toNumber } from '../db/rows.js';
import { inTransaction } from '../db/unitOfWork.js';
import { comparePassages } from '../journeys/pairing.js';
import type { PassageKey } from '../journeys/reconcilePlan.js';
import type { NetworkCatalog } from '../network/networkCatalog.js';
import { detectClones, notACloneRead } from './detectClones.js';
import { reconcileVehicle } from './reconcileVehicle.js';

const SWEEP_BATCH = 500;

/**
 * Pairs and prices vehicles' toll passages, one transaction per vehicle (a failure on one leaves
 * the others; the sweep retries it), then tells the live page about trips that changed.
 */
export class TollPairer {
  constructor(private readonly ctx: GatewayContext) {}

  /**
   * Look for a clone of each vehicle's tag around the given passages (detectClones.ts), then
   * re-pair the vehicle from its earliest given passage onwards (or from the earliest read whose
   * attribution changed, if earlier).
   */
  async pairVehicles(passages: ReadonlyArray<PassageKey & { vehicleTokenId: string | null }>, catalog?: NetworkCatalog): Promise<{ vehicles: number; failed: number }> {
    const spans = new Map<string, { from: PassageKey; latestMs: number }>();
    for (const passage of passages) {
      if (!passage.vehicleTokenId) continue;
      const known = spans.get(passage.vehicleTokenId);
      const from = !known || comparePassages(passage, known.from) < 0 ? { id: passage.id, passedAt: passage.passedAt } : known.from;
      spans.set(passage.vehicleTokenId, { from, latestMs: Math.max(known?.latestMs ?? passage.passedAt, passage.passedAt) });
    }
    if (spans.size === 0) return { vehicles: 0, failed: 0 };
    const network = catalog ?? (await this.ctx.catalog.current());
    let failed = 0;
    for (const [vehicleTokenId, span] of spans) {
      try {
        await inTransaction(this.ctx.knex, async (unit) => {
          const clones = await detectClones(this.ctx, unit.trx, network, vehicleTokenId, { fromMs: span.from.passedAt, toMs: span.latestMs });
          const from = clones.changedFrom && comparePassages(clones.changedFrom, span.from) < 0 ? clones.changedFrom : span.from;
          const result = await reconcileVehicle(this.ctx, unit.trx, network, vehicleTokenId, from);
          publishAfterCommit(this.ctx, unit, [...clones.trustChanges, ...result.trustChanges]);
          for (const { journey, postedMinor } of result.changed) unit.afterCommit(() => this.ctx.live.publish('journey', { ...journey, postedMinor }));
        });
      } catch {
        failed += 1;
        this.ctx.metrics.increment('tolls.pairing_failed');
      }
    }
    return { vehicles: spans.size, failed };
  }

  /**
   * What pairing alone never closes (the exception sweeper runs it): entries open longer than
   * the missing-exit timeout become no_exit, lone exits that waited the hold become no_entry,
   * and passages whose pairing failed are paired again. Passages of no account and entries
   * diverted at the barrier are never paired: they are listed for the operator instead.
   */
  async sweepOnce(): Promise<{ vehicles: number; failed: number }> {
    const now = this.ctx.clock.now();
    const { knex, config } = this.ctx;
    const openEntries = await knex('journeys')
      .join('toll_passages', 'toll_passages.id', 'journeys.entry_passage_id')
      .where('journeys.mode', 'toll')
      .where('journeys.status', 'open')
      .where('journeys.started_at', '<=', now - config.missingExitTimeoutS * 1000)
      .limit(SWEEP_BATCH)
      .select('toll_passages.id', 'toll_passages.vehicle_token_id', 'toll_passages.passed_at');
    const unlinked = await knex('toll_passages')
      .whereNull('trip_id')
      .whereNotNull('vehicle_token_id')
      .whereNot((query) => query.where({ direction: 'entry', action: 'divert' }))
      .whereNotExists(notACloneRead(knex))
      .where((query) => query.whereNot('direction', 'exit').orWhere('received_at', '<=', now - config.unpairedExitHoldS * 1000))
      .limit(SWEEP_BATCH)
      .select('id', 'vehicle_token_id', 'passed_at');
    const due = [...openEntries, ...unlinked].map((row) => ({ id: String(row.id), vehicleTokenId: String(row.vehicle_token_id), passedAt: toNumber(row.passed_at) }));
    return this.pairVehicles(due);
  }
}
