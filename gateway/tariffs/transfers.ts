import type { FareLeg, PricedLeg } from './fareLeg.js';
import type { FareLine } from './fareBreakdown.js';
import type { TariffData } from './tariffData.js';

/**
 * The transfer discount of a leg, decided by the tariff of the leg being priced. The leg right
 * before it (the rider's latest earlier leg, any operator) must be complete, of this operator
 * or one the tariff lists in fromOperators, and the mode pair (earlier -> this) must be listed.
 * A chain starts at the last full-price leg: the discount holds while this leg starts within
 * windowMin of the chain's start and the chain has had fewer than maxTransfers discounted legs.
 * Incomplete journeys neither get nor pass on a transfer.
 */
export function transferLine(data: TariffData, leg: FareLeg, history: readonly PricedLeg[], subtotalMinor: number): FareLine | undefined {
  const rule = data.transfers;
  const previous = history[history.length - 1];
  if (!rule || !previous || leg.status !== 'complete' || previous.status !== 'complete' || subtotalMinor === 0) return undefined;
  if (previous.operatorId !== leg.operatorId && !rule.fromOperators.includes(previous.operatorId)) return undefined;
  if (!rule.pairs.some((pair) => pair.from === previous.mode && pair.to === leg.mode)) return undefined;
  const chain = previous.transfer ?? { chainStartJourneyId: previous.id, chainStartedAt: previous.startedAt, transferNumber: 0 };
  const transferNumber = chain.transferNumber + 1;
  if (transferNumber > rule.maxTransfers || leg.startedAt - chain.chainStartedAt > rule.windowMin * 60_000) return undefined;
  const discounted = rule.fareMinor !== undefined ? Math.min(rule.fareMinor, subtotalMinor) : subtotalMinor - Math.ceil((subtotalMinor * rule.percentOff!) / 100);
  const what = rule.fareMinor !== undefined ? 'transfer fare' : rule.percentOff === 100 ? 'free transfer' : `transfer discount ${rule.percentOff} %`;
  return {
    step: 'transfer',
    label: `${what} from ${previous.mode} within ${rule.windowMin} min`,
    amountMinor: discounted - subtotalMinor,
    fromJourneyId: previous.id,
    chainStartJourneyId: chain.chainStartJourneyId,
    chainStartedAt: chain.chainStartedAt,
    transferNumber,
  };
}
