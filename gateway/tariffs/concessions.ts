import { FARE_CLASS_NAMES, type TariffData } from './tariffData.js';
import type { FareLine } from './fareBreakdown.js';

/** The concession line of a fare class, if the tariff gives the class its own fare or a discount. */
export function concessionLine(data: TariffData, fareClass: number, subtotalMinor: number): FareLine | undefined {
  const concession = data.concessions[String(fareClass)];
  if (!concession) return undefined;
  const name = concession.name ?? FARE_CLASS_NAMES[fareClass] ?? `class ${fareClass}`;
  if (concession.fareMinor !== undefined) {
    return { step: 'concession', fareClass, label: `${name} fare`, amountMinor: concession.fareMinor - subtotalMinor };
  }
  // Rounded in the rider's favour: the discount is rounded up to a whole minor unit.
  const discount = Math.ceil((subtotalMinor * concession.percentOff!) / 100);
  return { step: 'concession', fareClass, label: `${name} discount ${concession.percentOff} %`, amountMinor: -discount, percentOff: concession.percentOff };
}
