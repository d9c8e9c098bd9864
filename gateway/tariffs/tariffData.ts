import { z } from 'zod';

/**
 * The JSON of one tariff version (design.md section 7): how an operator's journeys are priced.
 * This schema checks the shape; checkTariff.ts checks the meaning against the network (every
 * matrix pair, known stations, periods that do not overlap, caps above a single fare).
 * All amounts are integer minor units in the operator's currency.
 */
const fareMinor = z.number({ error: 'must be a number of minor units' }).int('must be whole minor units').min(0, 'negative fare');
const percent = z.number().int().min(0, 'must be 0 to 100').max(100, 'must be 0 to 100');
const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (00:00 to 23:59)');
/** Keyed by vehicle class ("1", "2", ...): tolls price by class, transit uses the default class. */
const byVehicleClass = z.record(z.string().regex(/^\d+$/, 'vehicle class must be a number'), fareMinor);

export const FlatRule = z.object({ kind: z.literal('flat'), fareMinor });

/** fares[from][to] for every ordered pair of the operator's stations. */
export const MatrixRule = z.object({ kind: z.literal('matrix'), fares: z.record(z.string(), z.record(z.string(), fareMinor)) });

/**
 * Stations in zones. A fare by the number of zones the journey touches ("1": within one zone,
 * "2": two zones, ...; zone numbers are compared numerically, so zones 1 to 3 touch 3 zones), or
 * by zone pair ("1-3", either order), whichever the tariff gives; a pair fare wins over a count.
 */
export const ZonesRule = z.object({
  kind: z.literal('zones'),
  stationZones: z.record(z.string(), z.number().int().min(0)),
  byZoneCount: z.record(z.string().regex(/^\d+$/, 'zone count must be a number'), fareMinor).optional(),
  byZonePair: z.record(z.string().regex(/^\d+-\d+$/, 'zone pair must be "a-b"'), fareMinor).optional(),
});

/** Closed toll road or distance fare: |exit km - entry km| times the rate of the vehicle class, rounded. */
export const DistanceRule = z.object({
  kind: z.literal('distance'),
  positionsKm: z.record(z.string(), z.number().min(0, 'position must be 0 km or more')),
  ratePerKmMinor: byVehicleClass,
  minimumFareMinor: fareMinor.default(0),
});

/** Open toll road: each gantry passage pays the gantry's fee for the vehicle class. */
export const GantryRule = z.object({ kind: z.literal('gantries'), fees: z.record(z.string(), byVehicleClass) });

/**
 * A toll road of barrier plazas and free-flow gantries (docs/tolls.md). Amounts are the video
 * toll (plate only); a passage read by its tag pays etcDiscountPercent less.
 * - matrix[class][entry plaza][exit plaza]: a closed-road trip, priced once;
 * - gantryFees[gantry][class]: an open-road trip pays the fee of every gantry it passed;
 * - gantryTripGapMin: two gantry passages of a vehicle further apart start a new open-road trip.
 */
export const TollRule = z.object({
  kind: z.literal('toll'),
  matrix: z.record(z.string().regex(/^\d+$/, 'vehicle class must be a number'), z.record(z.string(), z.record(z.string(), fareMinor))),
  gantryFees: z.record(z.string(), byVehicleClass).default({}),
  etcDiscountPercent: percent.default(0),
  gantryTripGapMin: z.number().int().min(1).max(1440).default(30),
});

export const FareRule = z.discriminatedUnion('kind', [FlatRule, MatrixRule, ZonesRule, DistanceRule, GantryRule, TollRule]);

/**
 * A time-of-day period, in the tariff's time zone: [from, to) local time, on the given ISO
 * weekdays (1 Monday .. 7 Sunday; all days if absent). `to` before `from` runs past midnight.
 * It either scales the base fare (multiplierPercent: 150 is peak +50 %) or replaces it (fareMinor).
 */
export const Period = z
  .object({
    name: z.string().min(1),
    days: z.array(z.number().int().min(1).max(7)).min(1).optional(),
    from: clockTime,
    to: clockTime,
    multiplierPercent: z.number().int().min(0).max(1000).optional(),
    fareMinor: fareMinor.optional(),
  })
  .refine((period) => (period.multiplierPercent === undefined) !== (period.fareMinor === undefined), 'give exactly one of multiplierPercent or fareMinor');

/** A fare class's own fare (replacing the computed one) or a percentage off. */
export const Concession = z
  .object({ name: z.string().min(1).optional(), percentOff: percent.optional(), fareMinor: fareMinor.optional() })
  .refine((c) => (c.percentOff === undefined) !== (c.fareMinor === undefined), 'give exactly one of percentOff or fareMinor');

/**
 * A leg started within windowMin of the start of the first, full-price leg of its chain, right
 * after a leg of an allowed mode pair, is discounted; across operators only if listed.
 */
export const Transfers = z
  .object({
    windowMin: z.number().int().min(1).max(1440),
    pairs: z.array(z.object({ from: z.string().min(1), to: z.string().min(1) })).min(1),
    /** Other operators whose legs may start a transfer chain (this operator's always do). */
    fromOperators: z.array(z.string().min(1)).default([]),
    /** Discounted legs per chain after the full-price one. */
    maxTransfers: z.number().int().min(1).max(10).default(1),
    percentOff: percent.optional(),
    fareMinor: fareMinor.optional(),
  })
  .refine((t) => (t.percentOff === undefined) !== (t.fareMinor === undefined), 'give exactly one of percentOff or fareMinor');

const CapAmounts = z.object({ dailyMinor: fareMinor.optional(), weeklyMinor: fareMinor.optional() });

/**
 * Daily and weekly caps per rider over business days: a journey belongs to the business day of
 * its start in local time, which ends at businessDayCutoff (04:30: a journey at 01:00 belongs to
 * the day before). Weeks start on Monday's business day. Fare classes may have their own caps.
 */
export const Caps = CapAmounts.extend({
  businessDayCutoff: clockTime.default('04:30'),
  byFareClass: z.record(z.string().regex(/^[0-4]$/, 'fare class must be 0 to 4'), CapAmounts).default({}),
});

/** Incomplete journeys (no_exit, no_entry): the highest fare the known station allows, or a fixed fare. */
export const Incomplete = z.union([
  z.object({ rule: z.literal('max_fare') }),
  z.object({ rule: z.literal('fixed'), fareMinor }),
]);

export const TariffData = z.object({
  /** IANA time zone of the operator, for periods and business days. */
  timeZone: z.string().min(1).default('UTC'),
  fare: FareRule,
  /** Vehicle class when a passage names none (transit). */
  defaultVehicleClass: z.string().regex(/^\d+$/).default('1'),
  periods: z.array(Period).default([]),
  /** Keyed by fare class: 1 child, 2 student, 3 senior, 4 disabled (0, adult, pays the fare). */
  concessions: z.record(z.string().regex(/^[1-4]$/, 'fare class must be 1 to 4'), Concession).default({}),
  transfers: Transfers.optional(),
  caps: Caps.optional(),
  incomplete: Incomplete.default({ rule: 'max_fare' }),
});

export type TariffData = z.infer<typeof TariffData>;
export type TariffDataInput = z.input<typeof TariffData>;
export type FareRule = z.infer<typeof FareRule>;
export type TollRule = z.infer<typeof TollRule>;
export type Period = z.infer<typeof Period>;

export const FARE_CLASS_NAMES: Record<number, string> = { 0: 'adult', 1: 'child', 2: 'student', 3: 'senior', 4: 'disabled' };
