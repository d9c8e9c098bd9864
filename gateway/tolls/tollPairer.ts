import { publishAfterCommit, type GatewayContext } from '../context.js';
import { toNumber } from '../db/rows.js';
import { inTransaction } from '../db/unitOfWork.js';
import { comparePassages } from '../journeys/pairing.js';
import type { PassageKey } from '../journeys/reconcilePlan.js';
import type { NetworkCatalog } from '../network/networkCatalog.js';
import { reconcileVehicle } from './reconcileVehicle.js';

const SWEEP_BATCH = 500;

/**
 * Pairs and prices vehicles' toll passages, one transaction per vehicle (a failure on one leaves
 * the others; the sweep retries it), then tells the live page about trips that changed.
 */
export class TollPairer {
  constructor(private readonly ctx: GatewayContext) {}

  /** Re-pair each vehicle from its earliest given passage onwards. */
  async pairVehicles(passages: ReadonlyArray<PassageKey & { vehicleTokenId: string | null }>, catalog?: NetworkCatalog): Promise<{ vehicles: number; failed: number }> {
    const earliest = new Map<string, PassageKey>();
    for (const passage of passages) {
      if (!passage.vehicleTokenId) continue;
      const known = earliest.get(passage.vehicleTokenId);
      if (!known || comparePassages(passage, known) < 0) earliest.set(passage.vehicleTokenId, { id: passage.id, passedAt: passage.passedAt });
    }
    if (earliest.size === 0) return { vehicles: 0, failed: 0 };
    const network = catalog ?? (await this.ctx.catalog.current());
    let failed = 0;
    for (const [vehicleTokenId, from] of earliest) {
      try {
        await inTransaction(this.ctx.knex, async (unit) => {
          const result = await reconcileVehicle(this.ctx, unit.trx, network, vehicleTokenId, from);
          publishAfterCommit(this.ctx, unit, result.trustChanges);
          for (const { journey, postedMinor } of result.changed) unit.afterCommit(() => this.ctx.live.publish('journey', { ...journey, postedMinor }));
        });
      } catch {
        failed += 1;
        this.ctx.metrics.increment('tolls.pairing_failed');
      }
    }
    return { vehicles: earliest.size, failed };
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
      .where((query) => query.whereNot('direction', 'exit').orWhere('received_at', '<=', now - config.unpairedExitHoldS * 1000))
      .limit(SWEEP_BATCH)
      .select('id', 'vehicle_token_id', 'passed_at');
    const due = [...openEntries, ...unlinked].map((row) => ({ id: String(row.id), vehicleTokenId: String(row.vehicle_token_id), passedAt: toNumber(row.passed_at) }));
    return this.pairVehicles(due);
  }
}
