import type { GatewayContext } from '../context.js';
import { publishAfterCommit } from '../context.js';
import { chunks } from '../db/bulk.js';
import { inTransaction } from '../db/unitOfWork.js';
import type { NetworkCatalog } from '../network/networkCatalog.js';
import { pairBatch } from './batchPairer.js';
import { comparePassages, type PairingPassage } from './pairing.js';
import { reconcileToken } from './reconcileToken.js';

type PassageKey = Pick<PairingPassage, 'passedAt' | 'id'>;

const BATCH_TOKENS = 500;

/**
 * Pairs tokens a batch at a time (batchPairer.ts: one transaction and a fixed number of
 * statements per batch), and the tokens a batch cannot decide one transaction each (a failure on
 * one token leaves the others paired; the sweeper retries it), then tells the live page about
 * journeys that were charged.
 */
export class JourneyPairer {
  /** batchTokens 0: every token in a transaction of its own (what a batch must agree with). */
  constructor(private readonly ctx: GatewayContext, private readonly options: { batchTokens: number } = { batchTokens: BATCH_TOKENS }) {}

  /** Re-pair each token from its earliest given passage onwards. */
  async pairTokens(passages: ReadonlyArray<PassageKey & { tokenId: string }>, catalog?: NetworkCatalog): Promise<{ tokens: number; failed: number }> {
    const earliest = new Map<string, PassageKey>();
    for (const passage of passages) {
      const known = earliest.get(passage.tokenId);
      if (!known || comparePassages(passage, known) < 0) earliest.set(passage.tokenId, { passedAt: passage.passedAt, id: passage.id });
    }
    if (earliest.size === 0) return { tokens: 0, failed: 0 };
    const network = catalog ?? (await this.ctx.catalog.current());
    let failed = 0;
    for (const part of chunks([...earliest.entries()], Math.max(1, this.options.batchTokens))) {
      for (const tokenId of await this.pairBatch(network, part)) {
        try {
          await this.pairToken(network, tokenId, earliest.get(tokenId)!);
        } catch {
          failed += 1;
          this.ctx.metrics.increment('pairing.failed');
        }
      }
    }
    return { tokens: earliest.size, failed };
  }

  /** Returns the tokens left to pair one by one: those the batch cannot decide, or all of them if it failed. */
  private async pairBatch(catalog: NetworkCatalog, part: Array<[string, PassageKey]>): Promise<string[]> {
    if (this.options.batchTokens === 0) return part.map(([tokenId]) => tokenId);
    try {
      return (await pairBatch(this.ctx, catalog, new Map(part))).oneByOne;
    } catch {
      // Nothing of the batch was written: each token is tried on its own, so one bad token fails alone.
      this.ctx.metrics.increment('pairing.batch_failed');
      return part.map(([tokenId]) => tokenId);
    }
  }

  private async pairToken(catalog: NetworkCatalog, tokenId: string, from: PassageKey): Promise<void> {
    await inTransaction(this.ctx.knex, async (unit) => {
      const result = await reconcileToken(this.ctx, unit.trx, catalog, tokenId, from);
      publishAfterCommit(this.ctx, unit, result.trustChanges);
      for (const { journey, postedMinor } of result.changed) unit.afterCommit(() => this.ctx.live.publish('journey', { ...journey, postedMinor }));
    });
  }
}
