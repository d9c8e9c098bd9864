import { PeriodicSweep } from '../db/periodicSweep.js';
import { publishAfterCommit, type GatewayContext } from '../context.js';
import { inTransaction } from '../db/unitOfWork.js';
import { runArrearsCycle } from './arrearsCycle.js';

const BATCH = 500;

/**
 * Retries advanced charges on schedule and deny-lists debts whose grace has run out, for every
 * kind of debtor (gateway/arrears/arrearsParty.ts). Top-ups retry at once (topUp.ts); this is
 * the clock-driven half. Runs every sweepIntervalMs; `sweepOnce()` is the same work on demand,
 * for tests with an injected clock. One transaction per debtor: one failing leaves the others.
 */
export class ArrearsSweeper extends PeriodicSweep<{ debtors: number; failed: number }> {
  constructor(ctx: GatewayContext) {
    super(ctx, 'arrears.sweep_failed');
  }

  async sweepOnce(): Promise<{ debtors: number; failed: number }> {
    const now = this.ctx.clock.now();
    const due: Array<Record<string, unknown>> = await this.ctx.knex('arrears')
      .whereNot('state', 'settled')
      .where((query) => query.where('next_retry_at', '<=', now).orWhere((grace) => grace.whereNot('state', 'deny_listed').where('grace_ends_at', '<=', now)))
      .distinct('owner_kind', 'owner_id')
      .limit(BATCH);
    let failed = 0;
    for (const row of due) {
      try {
        await inTransaction(this.ctx.knex, async (unit) => {
          publishAfterCommit(this.ctx, unit, await runArrearsCycle(this.ctx, unit.trx, now, String(row.owner_kind), String(row.owner_id), 'retry'));
        });
      } catch {
        failed += 1;
        this.ctx.metrics.increment('arrears.retry_failed');
      }
    }
    this.ctx.metrics.increment('arrears.sweeps');
    return { debtors: due.length, failed };
  }
}
