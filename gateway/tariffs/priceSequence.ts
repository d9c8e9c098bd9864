import type { StationName } from './baseFare.js';
import type { FareBreakdown } from './fareBreakdown.js';
import { compareLegs, type FareLeg, type PricedLeg } from './fareLeg.js';
import { priceLeg, pricedLegOf } from './priceLeg.js';
import { tariffInForce, type Tariff } from './tariff.js';

/**
 * Price one rider's legs as the gateway does, in start order, each against the ones before it
 * (the same fold as gateway/journeys/riderPricing.ts, without a database): for tests, examples
 * and what-if tools. Legs whose operator has no tariff are left out.
 */
export function priceSequence(legs: readonly FareLeg[], tariffs: readonly Tariff[], name?: StationName): Array<{ leg: FareLeg; breakdown: FareBreakdown }> {
  const history: PricedLeg[] = [];
  const out: Array<{ leg: FareLeg; breakdown: FareBreakdown }> = [];
  for (const leg of [...legs].sort(compareLegs)) {
    const tariff = tariffInForce(tariffs, leg.operatorId, leg.startedAt);
    if (!tariff) continue;
    const breakdown = priceLeg(leg, tariff, history, name);
    history.push(pricedLegOf(leg, breakdown));
    out.push({ leg, breakdown });
  }
  return out;
}
