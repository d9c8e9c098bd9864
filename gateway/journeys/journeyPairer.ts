import type { GatewayContext } from '../context.js';
import { publishAfterCommit } from '../context.js';
import { inTransaction } from '../db/unitOfWork.js';
import { loadNetworkCatalog, type NetworkCatalog } from '../network/networkCatalog.js';
import { comparePassages, type PairingPassage } from './pairing.js';
import { reconcileToken } from './reconcileToken.js';

type PassageKey = Pick<PairingPassage, 'passedAt' | 'id'>;

/**
 * Pairs tokens one transaction each (a failure on one token leaves the others paired; the
 * sweeper retries it), then tells the live page about journeys that were charged.
 */
export class JourneyPairer {
  constructor(private readonly ctx: GatewayContext) {}

  /** Re-pair each token from its earliest given passage onwards. */
  async pairTokens(passages: ReadonlyArray<PassageKey & { tokenId: string }>, catalog?: NetworkCatalog): Promise<{ tokens: number; failed: number }> {
    const earliest = new Map<string, PassageKey>();
    for (const passage of passages) {
      const known = earliest.get(passage.tokenId);
      if (!known || comparePassages(passage, known) < 0) earliest.set(passage.tokenId, { passedAt: passage.passedAt, id: passage.id });
    }
    if (earliest.size === 0) return { tokens: 0, failed: 0 };
    const network = catalog ?? (await loadNetworkCatalog(this.ctx.knex));
    let failed = 0;
    for (const [tokenId, from] of earliest) {
      try {
        await this.pairToken(network, tokenId, from);
      } catch {
        failed += 1;
        this.ctx.metrics.increment('pairing.failed');
      }
    }
    return { tokens: earliest.size, failed };
  }

  private async pairToken(catalog: NetworkCatalog, tokenId: string, from: PassageKey): Promise<void> {
    await inTransaction(this.ctx.knex, async (unit) => {
      const result = await reconcileToken(this.ctx, unit.trx, catalog, tokenId, from);
      publishAfterCommit(this.ctx, unit, result.trustChanges);
      for (const { journey, postedMinor } of result.changed) unit.afterCommit(() => this.ctx.live.publish('journey', { ...journey, postedMinor }));
    });
  }
}
