import { baseFare, type StationName } from './baseFare.js';
import { concessionLine } from './concessions.js';
import { capLines } from './fareCaps.js';
import { sumLines, type FareBreakdown, type FareLine } from './fareBreakdown.js';
import type { FareLeg, PricedLeg } from './fareLeg.js';
import type { Tariff } from './tariff.js';
import { timeOfDayLine } from './timeOfDay.js';
import { transferLine } from './transfers.js';

/**
 * The tariff engine: a pure function of the leg, the tariff version in force when it began and
 * the rider's earlier legs, so pricing the same journeys again gives the same fares.
 *
 *   base (flat, matrix, zones, distance, gantry; maximum or fixed fare when incomplete)
 *   -> time of day (complete journeys only: a maximum fare is stated as is)
 *   -> concession of the fare class
 *   = list price, stored; then, from the rider's earlier legs:
 *   -> transfer discount -> daily cap -> weekly cap = fare
 */
export function listPrice(leg: FareLeg, tariff: Tariff, name: StationName): FareBreakdown {
  const lines: FareLine[] = [baseFare(leg, tariff.data, name)];
  if (leg.status === 'complete') {
    const period = timeOfDayLine(tariff.data.periods, leg.startedAt, tariff.data.timeZone, sumLines(lines));
    if (period) lines.push(period);
  }
  const concession = concessionLine(tariff.data, leg.fareClass, sumLines(lines));
  if (concession) lines.push(concession);
  const listMinor = Math.max(0, sumLines(lines));
  return { operatorId: tariff.operatorId, tariffVersion: tariff.version, currency: tariff.currency, fareClass: leg.fareClass, lines, listMinor, fareMinor: listMinor };
}

/** Recompute the history-dependent lines (transfer, caps) of a list price. `history`: earlier legs, in compareLegs order. */
export function applyHistory(list: FareBreakdown, leg: FareLeg, tariff: Tariff, history: readonly PricedLeg[]): FareBreakdown {
  const lines: FareLine[] = list.lines.filter((line) => line.step !== 'transfer' && line.step !== 'cap');
  let fare = list.listMinor;
  const transfer = transferLine(tariff.data, leg, history, fare);
  if (transfer) {
    lines.push(transfer);
    fare += transfer.amountMinor;
  }
  for (const cap of capLines(tariff.data, tariff.currency, leg, history, fare)) {
    lines.push(cap);
    fare += cap.amountMinor;
  }
  return { ...list, lines, fareMinor: fare };
}

export function priceLeg(leg: FareLeg, tariff: Tariff, history: readonly PricedLeg[], name: StationName = (id) => id ?? '?'): FareBreakdown {
  return applyHistory(listPrice(leg, tariff, name), leg, tariff, history);
}

/** An earlier leg as the next ones see it. */
export function pricedLegOf(leg: Pick<FareLeg, 'id' | 'operatorId' | 'mode' | 'status' | 'startedAt'>, breakdown: FareBreakdown): PricedLeg {
  const transfer = breakdown.lines.find((line): line is Extract<FareLine, { step: 'transfer' }> => line.step === 'transfer');
  return {
    id: leg.id,
    operatorId: leg.operatorId,
    mode: leg.mode,
    status: leg.status,
    startedAt: leg.startedAt,
    fareMinor: breakdown.fareMinor,
    transfer: transfer && { chainStartJourneyId: transfer.chainStartJourneyId, chainStartedAt: transfer.chainStartedAt, transferNumber: transfer.transferNumber },
  };
}
