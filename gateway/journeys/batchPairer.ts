import type { GatewayContext } from '../context.js';
import { lockKeyGroupsForTransaction, lockKeysForTransaction, updateTextColumnStatements } from '../db/bulk.js';
import { insertStatements } from '../db/insertRows.js';
import { Reads, runTogether } from '../db/together.js';
import { inTransaction } from '../db/unitOfWork.js';
import { accountId } from '../ledger/accounts.js';
import type { NetworkCatalog } from '../network/networkCatalog.js';
import { monthOf } from '../funding/familyPayer.js';
import { BusinessSlots } from '../reports/businessSlots.js';
import { rollUpJourney, type JourneyFacts } from '../reports/journeyRollup.js';
import { RollupDelta } from '../reports/rollupDelta.js';
import { emptyLedgerWrites, mergeLedgerWrites, NeedsOneByOne, RiderCharges, type BatchFamilyPayer } from './batchCharges.js';
import { batchFamily, loadBalances, loadChargedJourneys, loadDebtorStates, loadExistingKeys, loadFamilyLinksOfTokens, loadFamilySpent, loadPaidByAccount, loadJourneys, loadTokenOwners, loadTokenPassages, type TokenOwner } from './batchLoad.js';
import { targetChargeMinor } from './chargeJourney.js';
import { journeyToRow, type Journey } from './journeyRecords.js';
import { deriveJourneys, passageLinks, planPricedSaves, planVoids, windowAfterBoundary, type PassageKey, type WindowPassage } from './reconcilePlan.js';
import type { PassageBatchResult, PassageRecord } from '../../protocol/laneApi.js';
import { GATE_PASSAGES, readStored, StoredPassages } from '../passages/ingestPassages.js';
import { passageToRow } from '../passages/passageRecords.js';
import { addPassageFacts, gatePassageFacts } from '../reports/passageRollup.js';
import { priceAmongJourneys } from './riderPricing.js';

interface TokenPlan {
  tokenId: string;
  owner: TokenOwner;
  saves: Array<{ journey: Journey; exists: boolean }>;
  links: Array<{ id: string; value: string | null }>;
}

/**
 * Pair, price and post a batch of tokens in one transaction with a fixed number of statements:
 * lock every token, then every rider (one ordered statement each, lockKeysForTransaction), read
 * the state of all of them at once (batchLoad.ts), make reconcileToken's decisions in memory
 * (reconcilePlan.ts, riderPricing.ts, batchCharges.ts) and write journeys, passage links,
 * postings, payer notices and arrears in bulk. Riders are priced one after another over shared
 * wallet balances, so a family payer's wallet pays for their members and for their own journeys
 * as one by one it would. Tokens this cannot decide alike (several tokens of one rider, unknown
 * tokens, money given back that waives a debt, an arrears cycle that acts) are returned for
 * reconcileToken.
 *
 * Also returns, for the tokens of riders in a family (payers and members), the payer whose
 * wallet they share (JourneyPairer keeps such tokens in one partition).
 *
 * Rider locks are taken in two steps, riders who pay for nobody first, then family payers: the
 * order chargeJourney takes them in (member, then payer), so the two paths never deadlock.
 */
export interface SortedArrival {
  fresh: PassageRecord[];
  accepted: string[];
  rejected: PassageBatchResult['rejected'];
}

export async function pairBatch(
  ctx: GatewayContext,
  catalog: NetworkCatalog,
  froms: ReadonlyMap<string, PassageKey>,
  /** Lane batches to store (each the passages of one batch in these tokens, and when the batch arrived). */
  arrivals: ReadonlyArray<{ receivedAt: number; passages: readonly PassageRecord[] }> = [],
): Promise<{ oneByOne: string[]; payerGroups: Map<string, string>; arrivals: SortedArrival[] }> {
  return inTransaction(ctx.knex, async (unit) => {
    const { trx } = unit;
    const now = ctx.clock.now();
    const tokenIds = [...froms.keys()];
    await lockKeysForTransaction(trx, tokenIds.map((tokenId) => `token:${tokenId}`));
    const ownersRead = new Reads(trx);
    const owners = loadTokenOwners(ownersRead, tokenIds);
    const familyLinks = loadFamilyLinksOfTokens(ownersRead, tokenIds);
    const stored = readStored(ownersRead, GATE_PASSAGES, arrivals.flatMap((arrival) => arrival.passages));
    await ownersRead.run();
    // The lane batches' passages, sorted against what is stored: new ones are paired with the
    // stored ones and written with their journey, in this transaction.
    const storedPassages = new StoredPassages(GATE_PASSAGES, stored);
    const sortedArrivals = arrivals.map((arrival) => storedPassages.sort(arrival.passages));
    const fresh = sortedArrivals.flatMap((arrival, index) => arrival.fresh.map((passage) => ({ passage, receivedAt: arrivals[index].receivedAt })));
    const freshByToken = new Map<string, WindowPassage[]>();
    for (const { passage, receivedAt } of fresh) {
      const list = freshByToken.get(passage.tokenId) ?? [];
      list.push({ id: passage.id, direction: passage.direction, stationId: passage.stationId, mode: passage.mode, passedAt: passage.passedAt, receivedAt, fareClass: passage.fareClass, journeyId: null });
      freshByToken.set(passage.tokenId, list);
    }
    const tokensOfRider = new Map<string, number>();
    for (const owner of owners.values()) tokensOfRider.set(owner.riderId, (tokensOfRider.get(owner.riderId) ?? 0) + 1);
    const oneByOne = new Set<string>();
    const batchable = tokenIds.filter((tokenId) => {
      const owner = owners.get(tokenId);
      const reason = !owner ? 'unknown token' : tokensOfRider.get(owner.riderId)! > 1 ? 'several tokens' : undefined;
      if (reason) {
        oneByOne.add(tokenId);
        ctx.metrics.increment(`pairing.one_by_one.${reason.replaceAll(' ', '_')}`);
      }
      return !reason;
    });
    const riderIds = batchable.map((tokenId) => owners.get(tokenId)!.riderId);
    const family = batchFamily(familyLinks, riderIds);
    const payerGroups = new Map<string, string>();
    for (const tokenId of batchable) {
      const riderId = owners.get(tokenId)!.riderId;
      const payer = family.payers.has(riderId) ? riderId : family.links.get(riderId)?.payerRiderId;
      if (payer) payerGroups.set(tokenId, payer);
    }
    const rider = (riderId: string) => `rider:${riderId}`;
    await lockKeyGroupsForTransaction(trx, [riderIds.filter((riderId) => !family.payers.has(riderId)).map(rider), [...family.payers].map(rider)]);

    // Under the locks: the passages, and what charging may need of every rider (most of them post).
    const stateRead = new Reads(trx);
    const passages = loadTokenPassages(stateRead, new Map(batchable.map((tokenId) => [tokenId, froms.get(tokenId)!])));
    const balances = loadBalances(stateRead, batchable.flatMap((tokenId) => {
      const owner = owners.get(tokenId)!;
      const link = family.links.get(owner.riderId);
      return [accountId('rider_wallet', owner.riderId, owner.currency), ...(link ? [accountId('rider_wallet', link.payerRiderId, owner.currency)] : [])];
    }));
    const debtors = loadDebtorStates(stateRead, riderIds);
    const spent = family.links.size ? loadFamilySpent(stateRead, [...family.links.values()], monthOf(now)) : new Map<string, number>();
    await stateRead.run();

    const derivedByToken = batchable.flatMap((tokenId) => {
      const window = windowAfterBoundary([...(passages.get(tokenId) ?? []), ...(freshByToken.get(tokenId) ?? [])], froms.get(tokenId)!);
      if (window.length === 0) return [];
      const owner = owners.get(tokenId)!;
      return [{ tokenId, owner, window, ...deriveJourneys(ctx.config, catalog, now, tokenId, owner.riderId, window) }];
    });
    // The rider's journeys are read around the window's passages, with the journeys it names: a
    // superset of what pricing needs unless a journey it voids began earlier (read again below).
    const factsBefore = new Map<string, JourneyFacts>();
    const journeysRead = new Reads(trx);
    const windowRanges = new Map(derivedByToken.map((item) => {
      const times = item.window.map((passage) => passage.passedAt);
      return [item.owner.riderId, { fromMs: Math.min(...times), toMs: Math.max(...times) }];
    }));
    const { byId: storedAll, byRider: riderJourneys } = loadJourneys(journeysRead, derivedByToken.flatMap((item) => item.referencedIds), windowRanges, factsBefore);
    await journeysRead.run();
    const withVoids = derivedByToken.map((item) => {
      const stored = new Map(item.referencedIds.flatMap((id) => (storedAll.has(id) ? [[id, storedAll.get(id)!] as const] : [])));
      return { ...item, stored, ...planVoids(item.derived, stored) };
    });
    const earlier = new Map(withVoids.filter((item) => item.fromMs < windowRanges.get(item.owner.riderId)!.fromMs).map((item) => [item.owner.riderId, { fromMs: item.fromMs, toMs: item.fromMs }]));
    if (earlier.size) {
      const earlierRead = new Reads(trx);
      const { byRider: more } = loadJourneys(earlierRead, [], earlier, factsBefore);
      await earlierRead.run();
      for (const [riderId, journeys] of more) {
        const known = new Set((riderJourneys.get(riderId) ?? []).map((journey) => journey.id));
        riderJourneys.set(riderId, [...(riderJourneys.get(riderId) ?? []), ...journeys.filter((journey) => !known.has(journey.id))]);
      }
    }
    const plans: TokenPlan[] = withVoids.map((item) => {
      const pricing = Number.isFinite(item.fromMs) ? priceAmongJourneys(riderJourneys.get(item.owner.riderId) ?? [], catalog, [...item.derived.values()], item.fromMs, item.voidedIds) : { fresh: [], others: [] };
      const saves = [...item.voided.map((journey) => ({ journey, exists: true })), ...planPricedSaves(item.stored, pricing)];
      return { tokenId: item.tokenId, owner: item.owner, saves, links: passageLinks(item.window, item.pairing).map((link) => ({ id: link.id, value: link.journeyId })) };
    });

    const posting = plans.filter((plan) => plan.saves.some(({ journey }) => targetChargeMinor(journey) !== journey.chargedMinor && journey.operatorId));
    const postedBefore = posting.flatMap((plan) => plan.saves.filter((save) => save.exists).map((save) => save.journey.id));
    const givingBack = posting.flatMap((plan) => plan.saves.filter(({ journey, exists }) => exists && targetChargeMinor(journey) < journey.chargedMinor).map(({ journey }) => journey.id));
    const postingsRead = new Reads(trx);
    const charged = loadChargedJourneys(postingsRead, postedBefore);
    const existingKeys = loadExistingKeys(postingsRead, posting.flatMap((plan) => plan.saves.flatMap(({ journey }) => [`charge:${journey.id}`, `adjust:${journey.id}:r${journey.revision}`])));
    const paidByJourney = givingBack.length ? loadPaidByAccount(postingsRead, givingBack) : new Map<string, Map<string, number>>();
    await postingsRead.run();
    const payers = new Map<string, BatchFamilyPayer>([...family.links.values()].map((link) => [link.memberRiderId, { link, spentMinor: spent.get(link.memberRiderId) ?? 0 }]));

    const ledger = emptyLedgerWrites();
    const journeyRows: Array<Record<string, unknown>> = [];
    const links: TokenPlan['links'] = [];
    const changed: Array<{ journey: Journey; postedMinor: number; exists: boolean }> = [];
    for (const plan of plans) {
      const { riderId } = plan.owner;
      const charges = new RiderCharges(ctx, now, plan.owner, balances, charged, existingKeys, debtors.get(riderId) ?? { open: [], tokens: [] }, payers.get(riderId), paidByJourney);
      try {
        const saved = plan.saves.map(({ journey, exists }) => {
          const postedMinor = charges.charge(journey);
          return { journey: { ...journey, chargedMinor: journey.chargedMinor + postedMinor }, postedMinor, exists };
        });
        if (saved.some((item) => item.postedMinor !== 0)) charges.settle();
        charges.commit();
        mergeLedgerWrites(ledger, charges.writes);
        journeyRows.push(...saved.map((item) => journeyToRow(item.journey, now)));
        links.push(...plan.links);
        changed.push(...saved);
      } catch (error) {
        if (!(error instanceof NeedsOneByOne)) throw error;
        oneByOne.add(plan.tokenId);
        ctx.metrics.increment(`pairing.one_by_one.${error.message.replaceAll(' ', '_')}`);
      }
    }

    // The rollups move by the difference between the rows' facts as read above and as saved (gateway/reports).
    const rollups = new RollupDelta();
    const slots = BusinessSlots.of(ctx.config);
    for (const { journey, exists } of changed) rollUpJourney(rollups, slots, exists ? factsBefore.get(journey.id) : undefined, journey);
    for (const { passage } of fresh) addPassageFacts(rollups, slots, gatePassageFacts(passage));
    // New passages are written with their journey; stored ones whose journey changed are linked again.
    const freshIds = new Set(fresh.map(({ passage }) => passage.id));
    const freshLinks = new Map(links.filter((link) => freshIds.has(link.id)).map((link) => [link.id, link.value]));
    // One statement for every write of the batch but the rollups, written last and in their own
    // order (RollupDelta.write): sub-statements of one statement run in an order of PostgreSQL's
    // choosing, and rollup rows locked out of their order deadlock with other writers.
    await runTogether(trx, [
      ...(await insertStatements(trx, 'accounts', [...ledger.accounts.values()], { columns: ['id'], action: 'ignore' })),
      ...(await insertStatements(trx, 'passages', fresh.map(({ passage, receivedAt }) => ({ ...passageToRow(passage, receivedAt), journey_id: freshLinks.get(passage.id) ?? null })))),
      ...(await insertStatements(trx, 'journeys', journeyRows, { columns: ['id'], action: 'merge' })),
      ...updateTextColumnStatements(trx, 'passages', 'journey_id', links.filter((link) => !freshIds.has(link.id))),
      ...(await insertStatements(trx, 'postings', ledger.postings)),
      ...(await insertStatements(trx, 'ledger_entries', ledger.entries)),
      ...(await insertStatements(trx, 'arrears', ledger.arrears)),
      ...(await insertStatements(trx, 'arrears_events', ledger.arrearsEvents)),
      ...(await insertStatements(trx, 'payer_notices', ledger.payerNotices, { columns: ['posting_id', 'payer_rider_id'], action: 'ignore' })),
    ]);
    await rollups.write(trx);
    for (const { journey, postedMinor } of changed) unit.afterCommit(() => ctx.live.publish('journey', { ...journey, postedMinor }));
    return { oneByOne: tokenIds.filter((tokenId) => oneByOne.has(tokenId)), payerGroups, arrivals: sortedArrivals };
  });
}
