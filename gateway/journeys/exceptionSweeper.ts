import { PeriodicSweep } from '../db/periodicSweep.js';
import type { GatewayContext } from '../context.js';
import { toNumber } from '../db/rows.js';
import type { TollPairer } from '../tolls/tollPairer.js';
import type { JourneyPairer } from './journeyPairer.js';

const BATCH = 500;

/**
 * Prices what pairing alone never closes (design.md section 5: missing exits and entries are
 * priced by stated rules, never dropped): open entries older than missingExitTimeoutS become
 * no_exit, exits that waited unpairedExitHoldS for an entry become no_entry. It also re-pairs
 * passages whose pairing failed; the toll pairer does the same for toll trips (gateway/tolls,
 * docs/tolls.md). Runs every sweepIntervalMs; `sweepOnce()` is the same work on
 * demand, for tests with an injected clock.
 */
export class ExceptionSweeper extends PeriodicSweep<{ tokens: number; failed: number }> {
  constructor(ctx: GatewayContext, private readonly pairer: JourneyPairer, private readonly tolls?: TollPairer) {
    super(ctx, 'sweep.failed');
  }

  async sweepOnce(): Promise<{ tokens: number; failed: number }> {
    const now = this.ctx.clock.now();
    const { knex, config } = this.ctx;
    const openEntries = await knex('journeys')
      .join('passages', 'passages.id', 'journeys.entry_passage_id')
      .where('journeys.status', 'open')
      .where('journeys.started_at', '<=', now - config.missingExitTimeoutS * 1000)
      .limit(BATCH)
      .select('passages.id', 'passages.token_id', 'passages.passed_at');
    const unpaired = await knex('passages')
      .whereNull('journey_id')
      // An exit waits the hold for a late entry, unless its entry is already here: an open journey
      // of the token (pairing after storing failed, e.g. the database went away in between).
      .where((query) =>
        query
          .whereNot('direction', 'exit')
          .orWhere('received_at', '<=', now - config.unpairedExitHoldS * 1000)
          .orWhereExists((open) => open.select(knex.raw('1')).from('journeys').whereRaw('journeys.token_id = passages.token_id').where('journeys.status', 'open').whereRaw('journeys.started_at <= passages.passed_at')),
      )
      .limit(BATCH)
      .select('id', 'token_id', 'passed_at');
    const due = [...openEntries, ...unpaired].map((row) => ({ id: String(row.id), tokenId: String(row.token_id), passedAt: toNumber(row.passed_at) }));
    const outcome = await this.pairer.pairTokens(due);
    const tolls = this.tolls ? await this.tolls.sweepOnce() : { vehicles: 0, failed: 0 };
    this.ctx.metrics.increment('sweep.runs');
    return { tokens: outcome.tokens + tolls.vehicles, failed: outcome.failed + tolls.failed };
  }
}
