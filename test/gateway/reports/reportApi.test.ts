import assert from 'node:assert/strict';
import { METRO_FARES } from '../moneySupport.js';
import { startTestGateway, type TestGateway } from '../support.js';
import { DAY1, DAY2, parseCsv, seedReportScenario, type ReportScenario } from './reportSupport.js';

type Row = Record<string, string | number>;

describe('operator reports over HTTP', () => {
  let t: TestGateway;
  let scenario: ReportScenario;
  before(async () => {
    t = await startTestGateway();
    scenario = await seedReportScenario(t);
  });
  after(async () => t.close());

  async function report(operator: string, name: string, query: string): Promise<{ rows: Row[]; totals: Row; body: any }> {
    const answer = await t.api.call('GET', `/api/operators/${operator}/reports/${name}?${query}`);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return { rows: answer.body.rows, totals: answer.body.totals, body: answer.body };
  }
  const pick = (rows: Row[], keys: string[]) => rows.map((row) => keys.map((key) => row[key]));

  it('when revenue is grouped by business day, then each day holds the journeys begun in it (a 02:00 journey in the day before), with fares, charges, the refund and the net', async () => {
    const { rows, totals, body } = await report('metro', 'revenue', `from=${DAY1}&to=${DAY2}&groupBy=day`);
    const day1Fares = 260 + 380 + scenario.noExitFareMinor + METRO_FARES['M1-04']['M1-05'];
    assert.deepEqual(pick(rows, ['key', 'journeys', 'fareMinor', 'chargedMinor', 'refundedMinor', 'netMinor']), [
      [DAY1, 4, day1Fares, day1Fares, scenario.refundMinor, day1Fares - scenario.refundMinor],
      [DAY2, 1, 220, 220, 0, 220],
    ]);
    assert.equal(totals.netMinor, day1Fares - scenario.refundMinor + 220);
    assert.deepEqual([body.operator.currency, body.businessDay, body.chartColumn], ['EUR', { timeZone: 'Europe/Paris', cutoff: '04:30' }, 'netMinor']);
  });

  it('when revenue is grouped by tariff, mode or fare class, then the day rollup answers, and filters narrow it', async () => {
    assert.deepEqual(pick((await report('metro', 'revenue', `from=${DAY1}&to=${DAY2}&groupBy=tariff`)).rows, ['key', 'label', 'journeys']), [['1', 'version 1', 5]]);
    assert.deepEqual(pick((await report('metro', 'revenue', `from=${DAY1}&to=${DAY2}&groupBy=fareClass`)).rows, ['label', 'journeys']), [['adult', 5]]);
    assert.deepEqual((await report('metro', 'revenue', `from=${DAY1}&to=${DAY2}&groupBy=fareClass&fareClass=1`)).rows, []);
    assert.deepEqual(pick((await report('bus', 'revenue', `from=${DAY1}&to=${DAY1}&groupBy=mode`)).rows, ['key', 'journeys', 'chargedMinor']), [['bus', 2, 300]]);
    assert.deepEqual(pick((await report('road', 'revenue', `from=${DAY1}&to=${DAY1}&groupBy=mode`)).rows, ['key', 'journeys', 'chargedMinor']), [['toll', 1, scenario.tollFareMinor]]);
  });

  it('when traffic is grouped by station, then every site of the operator has a row, with its passages by direction and the journeys begun there', async () => {
    const { rows } = await report('metro', 'traffic', `from=${DAY1}&to=${DAY2}&groupBy=station`);
    assert.deepEqual(pick(rows, ['key', 'label', 'passages', 'entries', 'exits', 'journeys', 'complete', 'incomplete']), [
      ['M1-01', 'Harbour', 2, 2, 0, 2, 2, 0],
      ['M1-02', 'Old Town', 2, 1, 1, 1, 0, 1],
      ['M1-03', 'Cathedral', 2, 1, 1, 1, 1, 0],
      ['M1-04', 'Market Square', 1, 1, 0, 1, 1, 0],
      ['M1-05', 'University', 1, 0, 1, 0, 0, 0],
      ['M1-06', 'Central Park', 0, 0, 0, 0, 0, 0],
      ['M1-07', 'Stadium', 0, 0, 0, 0, 0, 0],
      ['M1-08', 'Airport', 1, 0, 1, 0, 0, 0],
    ]);
  });

  it('when traffic is grouped by hour of one day, then all 24 local hours are listed and the night journey falls in hour 2', async () => {
    const { rows } = await report('metro', 'traffic', `from=${DAY1}&to=${DAY1}&groupBy=hour`);
    assert.equal(rows.length, 24);
    assert.deepEqual(pick(rows.filter((row) => Number(row.passages) > 0), ['label', 'passages', 'journeys']), [['02:00', 2, 1], ['09:00', 2, 1], ['10:00', 1, 1], ['11:00', 2, 1]]);
  });

  it('when traffic is grouped by line or by gantry, then stations fold into their line and toll sites list in road order', async () => {
    assert.deepEqual(pick((await report('metro', 'traffic', `from=${DAY1}&to=${DAY2}&groupBy=line`)).rows, ['key', 'passages', 'journeys']), [['M1', 9, 5]]);
    const gantries = (await report('road', 'traffic', `from=${DAY1}&to=${DAY1}&groupBy=gantry`)).rows;
    assert.deepEqual(gantries.slice(0, 3).map((row) => [row.key, row.label, row.passages]), [['TW', 'West Plaza (plaza)', 1], ['TG01', `${gantries[1].label}`, 1], ['TG02', `${gantries[2].label}`, 0]]);
    assert.match(String(gantries[1].label), /\(gantry\)$/);
    const stationFiltered = await report('metro', 'traffic', `from=${DAY1}&to=${DAY2}&groupBy=day&station=M1-02`);
    assert.deepEqual(pick(stationFiltered.rows, ['key', 'passages', 'journeys']), [[DAY1, 1, 1], [DAY2, 1, 0]]);
  });

  it('when incomplete journeys are asked for, then the no-exit journey is counted at its entry station with its fare', async () => {
    const { rows, totals } = await report('metro', 'incomplete', `from=${DAY1}&to=${DAY2}&groupBy=station`);
    assert.deepEqual(pick(rows.filter((row) => Number(row.incomplete) > 0), ['key', 'noExit', 'noEntry', 'incompleteFareMinor']), [['M1-02', 1, 0, scenario.noExitFareMinor]]);
    assert.deepEqual([totals.journeys, totals.incomplete, totals.open], [5, 1, 0]);
  });

  it('when deny reasons are grouped by code, then the lanes’ reported denials add up across a restart, an out-of-date report counts nothing, and passage exceptions are listed', async () => {
    const metro = (await report('metro', 'denials', `from=${DAY1}&to=${DAY2}`)).rows;
    assert.deepEqual(pick(metro, ['key', 'kind', 'code', 'events']), [['deny:CODE_STALE', 'deny', 'CODE_STALE', 7], ['deny:TOKEN_DENIED', 'deny', 'TOKEN_DENIED', 1], ['exception:TAILGATE', 'exception', 'TAILGATE', 1]]);
    assert.match(String(metro[0].label), /^CODE_STALE: /);
    assert.deepEqual(pick((await report('road', 'denials', `from=${DAY1}&to=${DAY2}`)).rows, ['key', 'events']), [['exception:LOW_CONFIDENCE', 1]]);
    const byStation = (await report('metro', 'denials', `from=${DAY1}&to=${DAY2}&groupBy=station&kind=deny`)).rows;
    assert.deepEqual(pick(byStation.filter((row) => Number(row.denials) > 0), ['key', 'denials', 'exceptions']), [['M1-01', 8, 0]]);
  });

  it('when arrears are asked for, then the advanced charge is the bus operator’s, not the metro’s', async () => {
    assert.deepEqual(pick((await report('bus', 'arrears', `from=${DAY1}&to=${DAY2}`)).rows, ['key', 'records', 'riders', 'advancedMinor', 'outstandingMinor']), [['advanced', 1, 1, 150, 150]]);
    assert.deepEqual((await report('metro', 'arrears', `from=${DAY1}&to=${DAY2}`)).rows, []);
  });

  it('when one operator’s report is asked for, then no other operator’s sites or money appear in it', async () => {
    assert.deepEqual(pick((await report('metro', 'revenue', `from=${DAY1}&to=${DAY2}&groupBy=mode`)).rows, ['key']), [['metro']]);
    assert.deepEqual(pick((await report('bus', 'traffic', `from=${DAY1}&to=${DAY2}&groupBy=station`)).rows, ['key', 'passages']), [['B42-1', 1], ['B42-2', 1], ['B42-3', 0]]);
    const foreign = await t.api.call('GET', '/api/operators/bus/reports/traffic?station=M1-01');
    assert.deepEqual([foreign.status, foreign.body.error.code, foreign.body.error.details], [400, 'REPORT_INVALID', [{ param: 'station', message: 'M1-01 is not a site of operator bus' }]]);
  });

  it('when the same query is asked as CSV (format=csv or Accept), then it holds the same rows as the JSON, as an attachment', async () => {
    for (const [name, query] of [['revenue', 'groupBy=day'], ['traffic', 'groupBy=station'], ['denials', 'groupBy=code'], ['arrears', 'groupBy=state'], ['incomplete', 'groupBy=hour']]) {
      const operator = name === 'arrears' ? 'bus' : 'metro';
      const json = await report(operator, name, `from=${DAY1}&to=${DAY2}&${query}`);
      const csv = await t.api.raw('GET', `/api/operators/${operator}/reports/${name}?from=${DAY1}&to=${DAY2}&${query}&format=csv`);
      assert.equal(csv.status, 200);
      assert.match(csv.headers.get('content-type') ?? '', /^text\/csv/);
      assert.match(csv.headers.get('content-disposition') ?? '', new RegExp(`^attachment; filename="?${name}-${operator}-${DAY1}-${DAY2}-by-`));
      const [header, ...lines] = parseCsv(csv.body);
      assert.deepEqual(header, ['key', 'label', ...json.body.columns.map((column: { key: string }) => column.key)]);
      assert.deepEqual(lines, json.rows.map((row) => header.map((key) => String(row[key]))), `${name} ${query}`);
    }
    const accepted = await fetch(`${t.gateway.url}/api/operators/metro/reports/revenue?from=${DAY1}&to=${DAY2}`, { headers: { accept: 'text/csv', authorization: `Bearer ${t.api.token}` } });
    assert.match(accepted.headers.get('content-type') ?? '', /^text\/csv/);
    assert.equal((await accepted.text()).split('\r\n')[0], 'key,label,journeys,fareMinor,chargedMinor,refundedMinor,netMinor');
  });

  it('when a report query is wrong, then it is answered 400 REPORT_INVALID naming each problem, and an unknown report or operator 404', async () => {
    const problems = async (path: string) => {
      const answer = await t.api.call('GET', path);
      assert.equal(answer.status, 400, path);
      assert.equal(answer.body.error.code, 'REPORT_INVALID');
      return answer.body.error.details.map((problem: { param: string; message: string }) => `${problem.param}: ${problem.message}`);
    };
    assert.deepEqual(await problems('/api/operators/metro/reports/revenue?from=2026-13-01&to=yesterday'), ['from: must be a business day, YYYY-MM-DD', 'to: must be a business day, YYYY-MM-DD']);
    assert.deepEqual(await problems(`/api/operators/metro/reports/revenue?from=${DAY2}&to=${DAY1}`), [`from: ${DAY2} is after to (${DAY1})`]);
    assert.deepEqual(await problems('/api/operators/metro/reports/revenue?from=2024-01-01&to=2026-01-01'), ['to: at most 366 business days at once (asked 732)']);
    assert.deepEqual(await problems('/api/operators/metro/reports/traffic?groupBy=tariff'), ['groupBy: must be one of day, hour, station, line, gantry, mode for the traffic report']);
    assert.deepEqual(await problems('/api/operators/metro/reports/traffic?fareClass=1'), ['fareClass: the traffic report has no such filter (its filters: station, line, mode)']);
    assert.deepEqual(await problems('/api/operators/metro/reports/revenue?groupBy=station&fareClass=0'), ['groupBy: the fareClass filter cannot be combined with groupBy station: revenue is kept by fare class and tariff per day, and by station and hour apart']);
    assert.deepEqual(await problems('/api/operators/metro/reports/revenue?colour=red'), ['colour: unknown parameter (known: from, to, groupBy, mode, fareClass, tariff, station, line, format)']);
    assert.deepEqual(await problems('/api/operators/metro/reports/revenue?from=2026-01-01&from=2026-01-02'), ['from: given more than once']);
    assert.deepEqual(await problems('/api/operators/metro/reports/revenue?format=xml'), ['format: must be json or csv']);
    assert.deepEqual(await problems('/api/operators/metro/reports/traffic?mode=toll&line=9'), ['line: 9 is not a line of operator metro', 'mode: operator metro runs metro, not toll']);
    assert.deepEqual(await problems('/api/operators/metro/reports/traffic?groupBy=gantry'), ['groupBy: operator metro has no toll plazas or gantries']);
    const unknown = await t.api.call('GET', '/api/operators/metro/reports/weather');
    assert.deepEqual([unknown.status, unknown.body.error.code], [404, 'REPORT_NOT_FOUND']);
    const nobody = await t.api.call('GET', '/api/operators/nobody/reports/revenue');
    assert.deepEqual([nobody.status, nobody.body.error.code], [404, 'OPERATOR_NOT_FOUND']);
  });

  it('when no period is given, then the report covers the last seven business days up to today, and the list of reports says what each takes', async () => {
    const { body } = await report('metro', 'revenue', '');
    assert.deepEqual([body.query.from, body.query.to, body.rows.length], ['2025-12-31', DAY2, 7]);
    const list = await t.api.call('GET', '/api/operators/metro/reports');
    assert.deepEqual(list.body.reports.map((one: { id: string }) => one.id), ['traffic', 'revenue', 'incomplete', 'denials', 'arrears']);
  });
});
