import type { Knex } from 'knex';
import type { GatewayConfig } from '../../../gateway/config.js';
import { BusinessSlots } from '../../../gateway/reports/businessSlots.js';
import { ROLLUP_TABLES } from '../../../gateway/reports/rollupTables.js';
import { enrolRider, passage, sendPassages, T0, type EnrolledRider, type TestGateway } from '../support.js';
import { registerDriver, sendTolls, tollPassage } from '../tolls/tollSupport.js';

/** Rollup rows as "table|key...|measures..." lines, sorted, stripes summed; rows that sum to nothing and lane denials left out. */
export async function rollupSnapshot(knex: Knex): Promise<string[]> {
  const sums = new Map<string, number[]>();
  for (const table of ROLLUP_TABLES) {
    for (const row of await knex(table.name).select()) {
      if (row.kind === 'deny') continue;
      const key = [table.name, ...table.keys.map((column) => String(row[column]))].join('|');
      const known = sums.get(key) ?? table.measures.map(() => 0);
      sums.set(key, known.map((value, i) => value + Number(row[table.measures[i]])));
    }
  }
  return [...sums.entries()].filter(([, measures]) => measures.some((value) => value !== 0)).map(([key, measures]) => [key, ...measures].join('|')).sort();
}

/**
 * What the rollups must hold, computed the slow way: every raw row read and placed in its slot
 * one instant at a time (no buckets, no SQL grouping), summed in a map.
 */
export async function rollupsFromRawRows(knex: Knex, config: Pick<GatewayConfig, 'businessTimeZone' | 'businessDayCutoff'>): Promise<string[]> {
  const slots = new BusinessSlots(config.businessTimeZone, config.businessDayCutoff);
  const sums = new Map<string, number[]>();
  const add = (key: Array<string | number>, measures: number[]) => {
    const name = key.join('|');
    const known = sums.get(name) ?? measures.map(() => 0);
    sums.set(name, known.map((value, i) => value + measures[i]));
  };
  for (const row of await knex('journeys').select()) {
    const { day, hour } = slots.exact(Number(row.started_at));
    const operator = row.operator_id ?? '';
    const measures = [1, Number(row.fare_minor), Number(row.charged_minor), Number(row.refunded_minor)];
    add(['report_journeys_daily', operator, day, row.mode, row.status, Number(row.fare_class), row.tariff_version ?? 0], measures);
    add(['report_journeys_hourly', operator, day, hour, row.entry_station_id ?? row.exit_station_id ?? '', row.mode, row.status], measures);
  }
  const truthy = (value: unknown) => value === true || value === 1;
  for (const row of await knex('passages').select()) {
    const { day, hour } = slots.exact(Number(row.passed_at));
    add(['report_passages_hourly', day, row.station_id, hour, row.mode, row.direction], [1]);
    if (truthy(row.tailgate)) add(['report_lane_events_hourly', day, row.station_id, hour, row.mode, 'exception', 'TAILGATE'], [1]);
    if (truthy(row.trust_stale)) add(['report_lane_events_hourly', day, row.station_id, hour, row.mode, 'exception', 'TRUST_STALE'], [1]);
  }
  for (const row of await knex('toll_passages').select()) {
    const { day, hour } = slots.exact(Number(row.passed_at));
    add(['report_passages_hourly', day, row.station_id, hour, 'toll', row.direction], [1]);
    for (const code of JSON.parse(row.exceptions) as string[]) add(['report_lane_events_hourly', day, row.station_id, hour, 'toll', 'exception', code], [1]);
    if (truthy(row.trust_stale)) add(['report_lane_events_hourly', day, row.station_id, hour, 'toll', 'exception', 'TRUST_STALE'], [1]);
  }
  return [...sums.entries()].filter(([, measures]) => measures.some((value) => value !== 0)).map(([key, measures]) => [key, ...measures].join('|')).sort();
}

export const MIN = 60_000;
export const HOUR = 60 * MIN;
/** Business days of the scenario (Europe/Paris, day ends 04:30): T0 is 09:00 on the first. */
export const DAY1 = '2026-01-05';
export const DAY2 = '2026-01-06';

export interface ReportScenario {
  riders: { a: EnrolledRider; b: EnrolledRider; c: EnrolledRider; d: EnrolledRider };
  /** The fare the no-exit rule charged B's journey. */
  noExitFareMinor: number;
  tollFareMinor: number;
  refundMinor: number;
}

/**
 * A small network day, each fact chosen so a report row can be checked by hand:
 * - A: M1-01 -> M1-03 at 09:00 (260, its entry a tailgate; 100 refunded later), M1-03 -> M1-08 at
 *   11:00 (380), bus B42-1 at 12:00 (150);
 * - B: enters M1-02 at 10:00 and never exits (priced no_exit by the sweeper);
 * - C: M1-04 -> M1-05 at 02:00 the next night (still business day 1, 220), M1-01 -> M1-02 at 09:00 on day 2 (220);
 * - D: cannot pay: bus B42-2 at 13:00 (150, advanced into arrears);
 * - a driver: West plaza, gantry TG01 (LOW_CONFIDENCE), East plaza;
 * - lane M1-01 reports 3 then 5 CODE_STALE and 1 TOKEN_DENIED, restarts and reports 2 more CODE_STALE
 *   (7 in all), and an out-of-date report that counts nothing.
 */
export async function seedReportScenario(t: TestGateway): Promise<ReportScenario> {
  const a = await enrolRider(t.api, { payLaterLimitMinor: 5000 });
  const b = await enrolRider(t.api, { payLaterLimitMinor: 5000 });
  const c = await enrolRider(t.api, { payLaterLimitMinor: 5000 });
  const d = await enrolRider(t.api, { payLaterLimitMinor: 0 });
  const night = Date.UTC(2026, 0, 6, 1, 0);
  const day2 = Date.UTC(2026, 0, 6, 8, 0);
  await sendPassages(t.api, [
    { ...passage(a.tokenId, 'M1-01', 'entry', T0), tailgate: true },
    passage(a.tokenId, 'M1-03', 'exit', T0 + 15 * MIN),
    passage(b.tokenId, 'M1-02', 'entry', T0 + HOUR),
    passage(a.tokenId, 'M1-03', 'entry', T0 + 2 * HOUR),
    passage(a.tokenId, 'M1-08', 'exit', T0 + 2 * HOUR + 20 * MIN),
    passage(a.tokenId, 'B42-1', 'board', T0 + 3 * HOUR),
    passage(d.tokenId, 'B42-2', 'board', T0 + 4 * HOUR),
    passage(c.tokenId, 'M1-04', 'entry', night),
    passage(c.tokenId, 'M1-05', 'exit', night + 20 * MIN),
    passage(c.tokenId, 'M1-01', 'entry', day2),
    passage(c.tokenId, 'M1-02', 'exit', day2 + 10 * MIN),
  ]);
  const driver = await registerDriver(t.api, { payLaterLimitMinor: 5000 });
  await sendTolls(t.api, [
    tollPassage(driver, 'TW', 'entry', T0 + 30 * MIN),
    tollPassage(driver, 'TG01', 'pass', T0 + 33 * MIN, { exceptions: ['LOW_CONFIDENCE'] }),
    tollPassage(driver, 'TE', 'exit', T0 + 60 * MIN),
  ]);
  const report = (ts: number, countersSince: number, deniedByReason: Record<string, number>) => ({
    laneId: 'M1-01', stationId: 'M1-01', mode: 'metro', ts, trustVersion: 1, trustAgeMs: 0, outboxBacklog: 0, journalSeq: 1,
    decisions: { opened: 1, denied: 0, passed: 1, timedOut: 0 }, invalidMessages: 0, hotStoreDegraded: false, deniedByReason, countersSince,
  });
  for (const body of [report(T0, 1, { CODE_STALE: 3, TOKEN_DENIED: 1 }), report(T0 + 1000, 1, { CODE_STALE: 5, TOKEN_DENIED: 1 }), report(T0 + 2000, 2, { CODE_STALE: 2 }), report(T0 + 1500, 2, { CODE_STALE: 50 })]) {
    const answer = await t.api.call('POST', '/api/lane/v1/status', body);
    if (answer.status !== 204) throw new Error(`lane report refused: ${JSON.stringify(answer.body)}`);
  }
  t.clock.set(Date.UTC(2026, 0, 6, 11, 0));
  await t.gateway.sweeper.sweepOnce();

  const [charge] = (await t.api.call('GET', `/api/riders/${a.riderId}/charges`)).body.charges.filter((one: { journeyId: string; amountMinor: number }) => one.amountMinor === 260);
  const dispute = await t.api.call('POST', `/api/riders/${a.riderId}/disputes`, { chargeId: charge.id, reason: 'exited at M1-02' });
  const refundMinor = 100;
  const granted = await t.api.call('POST', `/api/disputes/${dispute.body.id}/decision`, { decision: 'grant', amountMinor: refundMinor });
  if (granted.status !== 200) throw new Error(`refund refused: ${JSON.stringify(granted.body)}`);

  const noExit = await t.db.knex('journeys').where({ token_id: b.tokenId }).first();
  const toll = await t.db.knex('journeys').where({ mode: 'toll' }).first();
  if (noExit?.status !== 'no_exit' || toll?.status !== 'complete') throw new Error(`scenario: B ${noExit?.status}, toll trip ${toll?.status}`);
  return { riders: { a, b, c, d }, noExitFareMinor: Number(noExit.fare_minor), tollFareMinor: Number(toll.fare_minor), refundMinor };
}

/** CSV as RFC 4180 writes it: quoted cells may hold commas, quotes (doubled) and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') (cell += '"'), (i += 1);
      else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') row.push(cell), (cell = '');
    else if (char === '\r' && text[i + 1] === '\n') {
      row.push(cell), rows.push(row), (row = []), (cell = ''), (i += 1);
    } else cell += char;
  }
  return rows;
}
