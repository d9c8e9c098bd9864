import type { GatewayContext } from '../context.js';
import { publishAfterCommit } from '../context.js';
import { dialectOf } from '../../db/connect.js';
import { chunks } from '../db/bulk.js';
import { inTransaction } from '../db/unitOfWork.js';
import type { NetworkCatalog } from '../network/networkCatalog.js';
import { pairBatch } from './batchPairer.js';
import { comparePassages, type PairingPassage } from './pairing.js';
import { reconcileToken } from './reconcileToken.js';
import type { PassageBatch, PassageBatchResult, PassageRecord } from '../../protocol/laneApi.js';
import { GATE_PASSAGES, screenBatch, storePassageBatch, type IngestOutcome } from '../passages/ingestPassages.js';

type PassageKey = Pick<PairingPassage, 'passedAt' | 'id'>;

const BATCH_TOKENS = 500;
const DEFAULT_PARTITIONS = 3;

/** A lane batch's passages of one partition, stored by a round, and what became of them. */
interface Arrival {
  receivedAt: number;
  passages: PassageRecord[];
  accepted: string[];
  rejected: PassageBatchResult['rejected'];
  inserted: PassageRecord[];
  /** Storing failed: the lane's request fails, and the lane sends the batch again. */
  error?: unknown;
}

/** Tokens waiting for the next pairing round, the lane batches it stores, and the callers waiting for them. */
interface PairingRound {
  froms: Map<string, PassageKey>;
  arrivals: Arrival[];
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
 * Calls that arrive while a round is running join the next round, whichever lane sent them
 * (group commit). Lane batches that name the same riders (a rider enters at one station and leaves
 * at another) would otherwise lock each other's tokens and riders for the length of a
 * transaction; together they share one set of statements, and the rounds grow with the load.
 * Tokens are split into `partitions` by a hash of their id, each partition running one round at a
 * time, so that the database works on one round while Node prices another (three partitions beat
 * two in each of three paired runs of the pricing benchmark on two cores, by 3-12 %); partitions
 * hold different tokens, and their locks (taken in one global order) only meet on what riders
 * share, a family payer's wallet. So the tokens of a family go by their payer's id once a round has
 * read who that is: a payer's wallet locked by one partition while the other waited for it cost a
 * third of the pricing benchmark's time. Each caller still returns only when its own tokens are
 * paired.
 */
export class JourneyPairer {
  private readonly queues: Array<{ next?: PairingRound; running?: Promise<void> }>;
  /** Tokens of riders in a family, by the payer whose wallet the family shares (learnt as rounds read them). */
  private readonly payerGroups = new Map<string, string>();

  /**
   * batchTokens 0: every token in a transaction of its own (what a batch must agree with).
   * partitions: rounds at once (default 3 on PostgreSQL; SQLite has one writer, so 1).
   */
  constructor(private readonly ctx: GatewayContext, private readonly options: { batchTokens: number; partitions?: number } = { batchTokens: BATCH_TOKENS }) {
    const partitions = Math.max(1, options.partitions ?? (dialectOf(ctx.knex) === 'pg' ? DEFAULT_PARTITIONS : 1));
    this.queues = Array.from({ length: partitions }, () => ({}));
  }

  /**
   * Store a lane's batch and pair its tokens, in the round of each token's partition: new
   * passages are written with the journeys they make, in one transaction (storePassageBatch's
   * rules: an id sent again with the same content is accepted again and changes nothing). If a
   * round cannot store its batches together, each is stored on its own and its tokens paired one
   * by one; a pairing failure leaves the passages stored for the sweeper.
   */
  async storePassages(batch: PassageBatch): Promise<IngestOutcome & { failed: number }> {
    const receivedAt = this.ctx.clock.now();
    const { candidates, rejected } = screenBatch(GATE_PASSAGES, batch);
    const arrivals = new Map<PairingRound, Arrival>();
    const mine = new Map<string, PassageKey>();
    for (const passage of candidates) {
      const round = this.roundFor(passage.tokenId);
      addEarliest(round.froms, passage.tokenId, passage);
      addEarliest(mine, passage.tokenId, passage);
      let arrival = arrivals.get(round);
      if (!arrival) {
        arrival = { receivedAt, passages: [], accepted: [], rejected: [], inserted: [] };
        arrivals.set(round, arrival);
        round.arrivals.push(arrival);
      }
      arrival.passages.push(passage);
    }
    const failed = await this.runAndWait(new Set(arrivals.keys()), mine);
    const stored = [...arrivals.values()];
    const failure = stored.find((arrival) => arrival.error !== undefined);
    if (failure) throw failure.error;
    const accepted = new Set(stored.flatMap((arrival) => arrival.accepted));
    const inserted = new Map(stored.flatMap((arrival) => arrival.inserted.map((passage) => [passage.id, passage] as const)));
    return {
      result: { accepted: candidates.filter((passage) => accepted.has(passage.id)).map((passage) => passage.id), rejected: [...rejected, ...stored.flatMap((arrival) => arrival.rejected)] },
      inserted: candidates.filter((passage) => inserted.has(passage.id)),
      failed,
    };
  }

  /** Re-pair each token from its earliest given passage onwards. */
  async pairTokens(passages: ReadonlyArray<PassageKey & { tokenId: string }>): Promise<{ tokens: number; failed: number }> {
    const mine = new Map<string, PassageKey>();
    for (const passage of passages) addEarliest(mine, passage.tokenId, passage);
    if (mine.size === 0) return { tokens: 0, failed: 0 };
    const rounds = new Set<PairingRound>();
    for (const [tokenId, from] of mine) {
      const round = this.roundFor(tokenId);
      addEarliest(round.froms, tokenId, from);
      rounds.add(round);
    }
    return { tokens: mine.size, failed: await this.runAndWait(rounds, mine) };
  }

  /** The next round of the token's partition. */
  private roundFor(tokenId: string): PairingRound {
    const queue = this.queues[partitionOf(this.payerGroups.get(tokenId) ?? tokenId, this.queues.length)];
    return (queue.next ??= newRound());
  }

  /** Start the partitions that have a round waiting, wait for these rounds, and count the given tokens they failed to pair. */
  private async runAndWait(rounds: ReadonlySet<PairingRound>, tokens: ReadonlyMap<string, PassageKey>): Promise<number> {
    for (const queue of this.queues) if (queue.next && !queue.running) queue.running = this.runRounds(queue);
    await Promise.all([...rounds].map((round) => round.done));
    let failed = 0;
    for (const round of rounds) for (const tokenId of tokens.keys()) if (round.failed.has(tokenId)) failed += 1;
    return failed;
  }

  private async runRounds(queue: { next?: PairingRound; running?: Promise<void> }): Promise<void> {
    // Let callers of this same turn of the event loop join the first round.
    await Promise.resolve();
    // A round's tokens left to pair one by one are paired while the next round's batches run (each
    // token under its own locks, as a replica would), one round's after the other's.
    let leftovers: Promise<void> = Promise.resolve();
    while (queue.next) {
      const round = queue.next;
      queue.next = undefined;
      this.ctx.metrics.increment('pairing.rounds');
      try {
        const oneByOne = await this.pairRoundBatches(round);
        const previous = leftovers;
        leftovers = (async () => {
          await previous;
          await this.pairOneByOne(round, oneByOne);
          round.settle();
        })();
      } catch (error) {
        round.settle(error);
      }
    }
    await leftovers;
    queue.running = undefined;
  }

  /** The round's batches; returns the tokens they left to pair one by one. */
  private async pairRoundBatches(round: PairingRound): Promise<{ network: NetworkCatalog; tokenIds: string[] }> {
    const network = await this.ctx.catalog.current();
    const tokenIds: string[] = [];
    for (const part of chunks([...round.froms.entries()], Math.max(1, this.options.batchTokens))) {
      const tokens = new Set(part.map(([tokenId]) => tokenId));
      const arrivals = round.arrivals.flatMap((arrival) => {
        const passages = arrival.passages.filter((passage) => tokens.has(passage.tokenId));
        return passages.length ? [{ arrival, passages }] : [];
      });
      tokenIds.push(...(await this.pairBatch(network, part, arrivals)));
    }
    return { network, tokenIds };
  }

  private async pairOneByOne(round: PairingRound, { network, tokenIds }: { network: NetworkCatalog; tokenIds: string[] }): Promise<void> {
    for (const tokenId of tokenIds) {
      try {
        await this.pairToken(network, tokenId, round.froms.get(tokenId)!);
      } catch {
        round.failed.add(tokenId);
        this.ctx.metrics.increment('pairing.failed');
      }
    }
  }

  /**
   * Store the arrivals and pair the tokens. Returns the tokens left to pair one by one: those the
   * batch cannot decide, or all of them if it failed (the arrivals are then stored one lane batch
   * at a time, as storePassageBatch does).
   */
  private async pairBatch(catalog: NetworkCatalog, part: Array<[string, PassageKey]>, arrivals: Array<{ arrival: Arrival; passages: PassageRecord[] }>): Promise<string[]> {
    const storeAlone = async () => {
      for (const { arrival, passages } of arrivals) {
        try {
          const { result, inserted } = await storePassageBatch(this.ctx, { laneId: passages[0].laneId, passages }, arrival.receivedAt);
          arrival.accepted.push(...result.accepted);
          arrival.rejected.push(...result.rejected);
          arrival.inserted.push(...inserted);
        } catch (error) {
          arrival.error = error;
        }
      }
      return part.map(([tokenId]) => tokenId);
    };
    if (this.options.batchTokens === 0) return storeAlone();
    try {
      const { oneByOne, payerGroups, arrivals: sorted } = await pairBatch(this.ctx, catalog, new Map(part), arrivals.map(({ arrival, passages }) => ({ receivedAt: arrival.receivedAt, passages })));
      arrivals.forEach(({ arrival }, index) => {
        arrival.accepted.push(...sorted[index].accepted);
        arrival.rejected.push(...sorted[index].rejected);
        arrival.inserted.push(...sorted[index].fresh);
      });
      for (const [tokenId] of part) {
        const payer = payerGroups.get(tokenId);
        if (payer) this.payerGroups.set(tokenId, payer);
        else this.payerGroups.delete(tokenId);
      }
      return oneByOne;
    } catch {
      // Nothing of the batch was written (a deadlock with another round or replica is one cause):
      // each token is tried on its own, so one bad token fails alone.
      this.ctx.metrics.increment('pairing.batch_failed');
      return storeAlone();
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
  return { froms: new Map(), arrivals: [], failed: new Set(), done, settle };
}

/** A partition: FNV-1a of a token's id (or its family payer's), so a key always lands in the same one. */
function partitionOf(key: string, partitions: number): number {
  if (partitions === 1) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % partitions;
}
