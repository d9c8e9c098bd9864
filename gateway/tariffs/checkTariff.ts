import { highestFare } from './baseFare.js';
import { checkFareRule, type NetworkStation } from './checkFareRule.js';
import { concessionLine } from './concessions.js';
import { formatMinor } from './fareBreakdown.js';
import { isKnownTimeZone } from './localTime.js';
import type { Tariff } from './tariff.js';
import { TariffData } from './tariffData.js';
import { problem, type TariffProblem } from './tariffProblems.js';
import { overlappingPeriods } from './timeOfDay.js';

export interface TariffContext {
  operatorId: string;
  currency: string;
  /** The operator's stations (or gantries). */
  stations: readonly NetworkStation[];
  /** Every operator id and every mode of the network, for transfer rules. */
  operatorIds: readonly string[];
  modes: readonly string[];
  /** The operator's existing versions. */
  existing: readonly Tariff[];
  nowMs: number;
}

export type TariffCheck = { ok: true; data: TariffData } | { ok: false; problems: TariffProblem[] };

/**
 * Check a tariff an operator loads (docs/api.md, "Tariffs"): the shape (zod), then its meaning
 * against the network. Every problem found is reported, not only the first.
 */
export function checkTariff(effectiveFrom: number, raw: unknown, context: TariffContext): TariffCheck {
  const parsed = TariffData.safeParse(raw);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.slice(0, 50).map((issue) => problem(issue.message === 'negative fare' ? 'NEGATIVE_FARE' : 'INVALID_FIELD', ['data', ...issue.path].join('.'), issue.message)) };
  }
  const data = parsed.data;
  const out: TariffProblem[] = [...checkEffectiveFrom(effectiveFrom, context)];
  if (!isKnownTimeZone(data.timeZone)) out.push(problem('UNKNOWN_TIME_ZONE', 'data.timeZone', `unknown time zone ${data.timeZone}`));
  out.push(...checkFareRule(data.fare, context.stations, data.defaultVehicleClass));
  data.periods.forEach((period, index) => {
    if (period.from === period.to) out.push(problem('PERIOD_EMPTY', `data.periods.${index}`, `period "${period.name}" starts and ends at ${period.from}`));
  });
  for (const [a, b] of overlappingPeriods(data.periods.filter((period) => period.from !== period.to))) {
    const [first, second] = [data.periods[a], data.periods[b]];
    out.push(problem('PERIODS_OVERLAP', `data.periods.${b}`, `periods "${first.name}" (${first.from}-${first.to}) and "${second.name}" (${second.from}-${second.to}) overlap`));
  }
  if (data.transfers) {
    for (const [index, pair] of data.transfers.pairs.entries()) {
      for (const mode of [pair.from, pair.to]) if (!context.modes.includes(mode)) out.push(problem('UNKNOWN_MODE', `data.transfers.pairs.${index}`, `mode ${mode} is not a mode of the network`));
    }
    for (const operator of data.transfers.fromOperators) if (!context.operatorIds.includes(operator)) out.push(problem('UNKNOWN_OPERATOR', 'data.transfers.fromOperators', `operator ${operator} does not exist`));
  }
  out.push(...checkCaps(data, context.currency));
  return out.length ? { ok: false, problems: out } : { ok: true, data };
}

function checkEffectiveFrom(effectiveFrom: number, context: TariffContext): TariffProblem[] {
  const iso = (ms: number) => new Date(ms).toISOString();
  const latest = [...context.existing].sort((a, b) => b.effectiveFrom - a.effectiveFrom)[0];
  // A version may not take effect before one already loaded, nor in the past: journeys already
  // priced by the version in force when they began would change under riders' feet.
  if (latest && effectiveFrom <= latest.effectiveFrom) {
    return [problem('EFFECTIVE_BEFORE_EXISTING', 'effectiveFrom', `effectiveFrom ${iso(effectiveFrom)} is not after version ${latest.version}, in force from ${iso(latest.effectiveFrom)}`)];
  }
  if (effectiveFrom < context.nowMs) return [problem('EFFECTIVE_IN_PAST', 'effectiveFrom', `effectiveFrom ${iso(effectiveFrom)} is in the past (now ${iso(context.nowMs)})`)];
  return [];
}

/** A cap lower than a single fare would make a single journey cheaper than its own fare for no reason: refused. */
function checkCaps(data: TariffData, currency: string): TariffProblem[] {
  const caps = data.caps;
  if (!caps) return [];
  const out: TariffProblem[] = [];
  const highest = highestFare(data.fare, data.defaultVehicleClass);
  const money = (minor: number) => formatMinor(minor, currency);
  const classes: Array<[string, string, number, number | undefined, number | undefined]> = [['data.caps', 'adult', 0, caps.dailyMinor, caps.weeklyMinor]];
  for (const [fareClass, own] of Object.entries(caps.byFareClass)) {
    classes.push([`data.caps.byFareClass.${fareClass}`, `fare class ${fareClass}`, Number(fareClass), own.dailyMinor ?? caps.dailyMinor, own.weeklyMinor ?? caps.weeklyMinor]);
  }
  for (const [path, who, fareClass, daily, weekly] of classes) {
    const single = Math.max(0, highest + (concessionLine(data, fareClass, highest)?.amountMinor ?? 0));
    if (daily !== undefined && daily < single) out.push(problem('CAP_BELOW_FARE', `${path}.dailyMinor`, `${who} daily cap ${money(daily)} is lower than the highest single fare ${money(single)}`));
    if (weekly !== undefined && weekly < single) out.push(problem('CAP_BELOW_FARE', `${path}.weeklyMinor`, `${who} weekly cap ${money(weekly)} is lower than the highest single fare ${money(single)}`));
    if (daily !== undefined && weekly !== undefined && weekly < daily) out.push(problem('CAP_WEEKLY_BELOW_DAILY', `${path}.weeklyMinor`, `${who} weekly cap ${money(weekly)} is lower than the daily cap ${money(daily)}`));
  }
  return out;
}
