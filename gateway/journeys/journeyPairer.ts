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

/** Tokens waiting for the next pairing round, and the callers waiting for them. */
interface PairingRound {
  froms: Map<string, PassageKey>;
  /** Tokens whose pairing failed in this round (filled as it runs). */
  failed: Set<string>;
  done: Promise<void>;
  settle(error?: unknown): void;
}

/**
 * Pairs tokens a batch at a time (batchPairer.ts: one transaction and a fixed number of
 * statements per batch), and the tokens a batch cannot decide one transaction each (a failure on
 * one token leaves the others paired; the sweeper retries it), then tells the live page about
 * journeys that were charged.
 *
 * Calls that arrive while a round is running join the next round, whichever lane sent them:
 * one round at a time per gateway process (group commit). Lane batches that name the same riders
 * (a rider enters at one station and leaves at another) would otherwise lock each other's tokens
 * and riders for the length of a transaction; together they share one set of statements, and
 * the rounds grow with the load. Each caller still returns only when its own tokens are paired.
 */
export class JourneyPairer {
  private next: PairingRound | undefined;
  private running: Promise<void> | undefined;

  /** batchTokens 0: every token in a transaction of its own (what a batch must agree with). */
  constructor(private readonly ctx: GatewayContext, private readonly options: { batchTokens: number } = { batchTokens: BATCH_TOKENS }) {}

  /** Re-pair each token from its earliest given passage onwards. */
  async pairTokens(passages: ReadonlyArray<PassageKey & { tokenId: string }>): Promise<{ tokens: number; failed: number }> {
    const mine = new Map<string, PassageKey>();
    for (const passage of passages) addEarliest(mine, passage.tokenId, passage);
    if (mine.size === 0) return { tokens: 0, failed: 0 };
    const round = (this.next ??= newRound());
    for (const [tokenId, from] of mine) addEarliest(round.froms, tokenId, from);
    if (!this.running) this.running = this.runRounds();
    await round.done;
    let failed = 0;
    for (const tokenId of mine.keys()) if (round.failed.has(tokenId)) failed += 1;
    return { tokens: mine.size, failed };
  }

  private async runRounds(): Promise<void> {
    // Let callers of this same turn of the event loop join the first round.
    await Promise.resolve();
    while (this.next) {
      const round = this.next;
      this.next = undefined;
      this.ctx.metrics.increment('pairing.rounds');
      try {
        await this.pairRound(round);
        round.settle();
      } catch (error) {
        round.settle(error);
      }
    }
    this.running = undefined;
  }

  private async pairRound(round: PairingRound): Promise<void> {
    const network = await this.ctx.catalog.current();
    for (const part of chunks([...round.froms.entries()], Math.max(1, this.options.batchTokens))) {
      for (const tokenId of await this.pairBatch(network, part)) {
        try {
          await this.pairToken(network, tokenId, round.froms.get(tokenId)!);
        } catch {
          round.failed.add(tokenId);
          this.ctx.metrics.increment('pairing.failed');
        }
      }
    }
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

function addEarliest(into: Map<string, PassageKey>, tokenId: string, passage: PassageKey): void {
  const known = into.get(tokenId);
  if (!known || comparePassages(passage, known) < 0) into.set(tokenId, { passedAt: passage.passedAt, id: passage.id });
}

function newRound(): PairingRound {
  let settle!: (error?: unknown) => void;
  const done = new Promise<void>((resolve, reject) => {
    settle = (error?: unknown) => (error === undefined ? resolve() : reject(error));
  });
  // A caller that stops waiting (its request went away) must not leave an unhandled rejection.
  done.catch(() => {});
  return { froms: new Map(), failed: new Set(), done, settle };
}
