import type { GatewayContext } from '../context.js';
import { lockKeysForTransaction, updateTextColumn } from '../db/bulk.js';
import { insertRows } from '../db/insertRows.js';
import { inTransaction } from '../db/unitOfWork.js';
import { accountId } from '../ledger/accounts.js';
import type { NetworkCatalog } from '../network/networkCatalog.js';
import { monthOf } from '../funding/familyPayer.js';
import { BusinessSlots } from '../reports/businessSlots.js';
import { loadJourneyFacts, rollUpJourney } from '../reports/journeyRollup.js';
import { RollupDelta } from '../reports/rollupDelta.js';
import { emptyLedgerWrites, mergeLedgerWrites, NeedsOneByOne, RiderCharges, type BatchFamilyPayer } from './batchCharges.js';
import { loadBalances, loadChargedJourneys, loadDebtorStates, loadExistingKeys, loadFamilyLinks, loadFamilySpent, loadJourneysById, loadPaidByAccount, loadRiderJourneys, loadTokenOwners, loadTokenPassages, type TokenOwner } from './batchLoad.js';
import { targetChargeMinor } from './chargeJourney.js';
import { journeyToRow, type Journey } from './journeyRecords.js';
import { deriveJourneys, passageLinks, planPricedSaves, planVoids, windowAfterBoundary, type PassageKey } from './reconcilePlan.js';
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
 * Rider locks are taken in two steps, riders who pay for nobody first, then family payers: the
 * order chargeJourney takes them in (member, then payer), so the two paths never deadlock.
 */
export async function pairBatch(ctx: GatewayContext, catalog: NetworkCatalog, froms: ReadonlyMap<string, PassageKey>): Promise<{ oneByOne: string[] }> {
  return inTransaction(ctx.knex, async (unit) => {
    const { trx } = unit;
    const now = ctx.clock.now();
    const tokenIds = [...froms.keys()];
    await lockKeysForTransaction(trx, tokenIds.map((tokenId) => `token:${tokenId}`));
    const owners = await loadTokenOwners(trx, tokenIds);
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
    const family = await loadFamilyLinks(trx, batchable.map((tokenId) => owners.get(tokenId)!.riderId));
    const riderLocks = batchable.map((tokenId) => owners.get(tokenId)!.riderId).filter((riderId) => !family.payers.has(riderId));
    await lockKeysForTransaction(trx, riderLocks.map((riderId) => `rider:${riderId}`));
    await lockKeysForTransaction(trx, [...family.payers].map((riderId) => `rider:${riderId}`));

    const passages = await loadTokenPassages(trx, new Map(batchable.map((tokenId) => [tokenId, froms.get(tokenId)!])));
    const derivedByToken = batchable.flatMap((tokenId) => {
      const window = windowAfterBoundary(passages.get(tokenId) ?? [], froms.get(tokenId)!);
      if (window.length === 0) return [];
      const owner = owners.get(tokenId)!;
      return [{ tokenId, owner, window, ...deriveJourneys(ctx.config, catalog, now, tokenId, owner.riderId, window) }];
    });
    const storedAll = await loadJourneysById(trx, derivedByToken.flatMap((item) => item.referencedIds));
    const withVoids = derivedByToken.map((item) => {
      const stored = new Map(item.referencedIds.flatMap((id) => (storedAll.has(id) ? [[id, storedAll.get(id)!] as const] : [])));
      return { ...item, stored, ...planVoids(item.derived, stored) };
    });
    const ranges = new Map(withVoids.filter((item) => Number.isFinite(item.fromMs)).map((item) => [item.owner.riderId, { fromMs: item.fromMs, toMs: item.fromMs }]));
    const riderJourneys = await loadRiderJourneys(trx, ranges);
    const plans: TokenPlan[] = withVoids.map((item) => {
      const pricing = Number.isFinite(item.fromMs) ? priceAmongJourneys(riderJourneys.get(item.owner.riderId) ?? [], catalog, [...item.derived.values()], item.fromMs, item.voidedIds) : { fresh: [], others: [] };
      const saves = [...item.voided.map((journey) => ({ journey, exists: true })), ...planPricedSaves(item.stored, pricing)];
      return { tokenId: item.tokenId, owner: item.owner, saves, links: passageLinks(item.window, item.pairing).map((link) => ({ id: link.id, value: link.journeyId })) };
    });

    const posting = plans.filter((plan) => plan.saves.some(({ journey }) => targetChargeMinor(journey) !== journey.chargedMinor && journey.operatorId));
    const postedBefore = posting.flatMap((plan) => plan.saves.filter((save) => save.exists).map((save) => save.journey.id));
    const [charged, existingKeys, balances, debtors] = [
      await loadChargedJourneys(trx, postedBefore),
      await loadExistingKeys(trx, posting.flatMap((plan) => plan.saves.flatMap(({ journey }) => [`charge:${journey.id}`, `adjust:${journey.id}:r${journey.revision}`]))),
      await loadBalances(trx, posting.flatMap((plan) => {
        const link = family.links.get(plan.owner.riderId);
        return [accountId('rider_wallet', plan.owner.riderId, plan.owner.currency), ...(link ? [accountId('rider_wallet', link.payerRiderId, plan.owner.currency)] : [])];
      })),
      await loadDebtorStates(trx, posting.map((plan) => plan.owner.riderId)),
    ];
    const postingLinks = posting.flatMap((plan) => family.links.get(plan.owner.riderId) ?? []);
    const spent = postingLinks.length ? await loadFamilySpent(trx, postingLinks, monthOf(now)) : new Map<string, number>();
    const givingBack = posting.flatMap((plan) => plan.saves.filter(({ journey, exists }) => exists && targetChargeMinor(journey) < journey.chargedMinor).map(({ journey }) => journey.id));
    const paidByJourney = givingBack.length ? await loadPaidByAccount(trx, givingBack) : new Map<string, Map<string, number>>();
    const payers = new Map<string, BatchFamilyPayer>(postingLinks.map((link) => [link.memberRiderId, { link, spentMinor: spent.get(link.memberRiderId) ?? 0 }]));

    const ledger = emptyLedgerWrites();
    const journeyRows: Array<Record<string, unknown>> = [];
    const links: TokenPlan['links'] = [];
    const changed: Array<{ journey: Journey; postedMinor: number; exists: boolean }> = [];
    for (const plan of plans) {
      const { riderId, currency } = plan.owner;
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

    // The rows' rollup facts before they change: the rollups move by the difference (gateway/reports).
    const before = await loadJourneyFacts(trx, changed.filter((item) => item.exists).map((item) => item.journey.id));
    await insertRows(trx, 'accounts', [...ledger.accounts.values()], { columns: ['id'], action: 'ignore' });
    await insertRows(trx, 'journeys', journeyRows, { columns: ['id'], action: 'merge' });
    await updateTextColumn(trx, 'passages', 'journey_id', links);
    await insertRows(trx, 'postings', ledger.postings);
    await insertRows(trx, 'ledger_entries', ledger.entries);
    await insertRows(trx, 'arrears', ledger.arrears);
    await insertRows(trx, 'arrears_events', ledger.arrearsEvents);
    await insertRows(trx, 'payer_notices', ledger.payerNotices, { columns: ['posting_id', 'payer_rider_id'], action: 'ignore' });
    const rollups = new RollupDelta();
    const slots = BusinessSlots.of(ctx.config);
    for (const { journey } of changed) rollUpJourney(rollups, slots, before.get(journey.id), journey);
    await rollups.write(trx);
    for (const { journey, postedMinor } of changed) unit.afterCommit(() => ctx.live.publish('journey', { ...journey, postedMinor }));
    return { oneByOne: tokenIds.filter((tokenId) => oneByOne.has(tokenId)) };
  });
}
