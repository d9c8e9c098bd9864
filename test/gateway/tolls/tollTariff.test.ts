import assert from 'node:assert/strict';
import { demoTollTariffData } from '../../../db/seeds/demoTolls.js';
import { DEMO_TOLL_PER_KM_MINOR } from '../../../demo/network.js';
import { startTestGateway, T0, type TestGateway } from '../support.js';
import { GANTRY_KM, HOUR, MIN, registerDriver, sendTolls, tollPassage, tollsOf } from './tollSupport.js';

describe('tolls: tariffs per vehicle class, versioned and checked on load', () => {
  let t: TestGateway;
  beforeEach(async () => (t = await startTestGateway()));
  afterEach(async () => t.close());

  const load = (effectiveFrom: number, data: unknown) => t.api.call('POST', '/api/operators/road/tariffs', { effectiveFrom, data });

  it('when the demo road is seeded, then version 1 is in force and its gantry fees add up to the plaza-to-plaza matrix for every class', async () => {
    const [tariff] = (await t.api.call('GET', '/api/operators/road/tariffs')).body.tariffs;
    assert.equal(tariff.version, 1);
    assert.equal(tariff.data.fare.kind, 'toll');
    for (const [vehicleClass, rate] of Object.entries(DEMO_TOLL_PER_KM_MINOR)) {
      const gantrySum = Object.values(tariff.data.fare.gantryFees as Record<string, Record<string, number>>).reduce((total, fees) => total + fees[vehicleClass], 0);
      assert.equal(tariff.data.fare.matrix[vehicleClass].TW.TE, 52 * rate);
      assert.equal(gantrySum, tariff.data.fare.matrix[vehicleClass].TW.TE);
    }
    assert.equal(tariff.data.fare.gantryFees.TG04['1'], GANTRY_KM.TG04 * DEMO_TOLL_PER_KM_MINOR['1']);
  });

  it('when an operator loads a toll tariff with holes, then 422 TARIFF_INVALID names every problem', async () => {
    const data = demoTollTariffData() as { fare: { matrix: Record<string, Record<string, Record<string, number>>>; gantryFees: Record<string, Record<string, number>> } };
    delete data.fare.matrix['2'].TE;
    delete data.fare.gantryFees.TG05;
    data.fare.gantryFees.TW = { '1': 10 };
    data.fare.gantryFees.TG01['3'] = 999_999;
    const answer = await load(T0 + HOUR, data);
    assert.equal(answer.status, 422);
    assert.equal(answer.body.error.code, 'TARIFF_INVALID');
    const codes = answer.body.error.details.map((item: { code: string; path: string }) => `${item.code} ${item.path}`).sort();
    assert.deepEqual(codes, [
      'GANTRY_FEE_ABOVE_TRIP data.fare.gantryFees.TG01.3',
      'MATRIX_PAIR_MISSING data.fare.matrix.2.TE.TW',
      'PLAZA_IN_GANTRY_FEES data.fare.gantryFees.TW',
      'STATION_NOT_PRICED data.fare.gantryFees',
    ]);
  });

  it('when version 2 takes effect, then trips that began before it keep version 1 and later ones pay version 2', async () => {
    const data = demoTollTariffData() as { fare: { matrix: Record<string, Record<string, Record<string, number>>>; etcDiscountPercent: number } };
    data.fare.etcDiscountPercent = 0;
    data.fare.matrix['1'].TW.TE = 1000;
    const effectiveFrom = T0 + 2 * HOUR;
    assert.equal((await load(effectiveFrom, data)).status, 201);
    const driver = await registerDriver(t.api, { payLaterLimitMinor: 10_000 });
    await sendTolls(t.api, [
      tollPassage(driver, 'TW', 'entry', effectiveFrom - 10 * MIN),
      tollPassage(driver, 'TE', 'exit', effectiveFrom + 20 * MIN),
      tollPassage(driver, 'TW', 'entry', effectiveFrom + 60 * MIN),
      tollPassage(driver, 'TE', 'exit', effectiveFrom + 90 * MIN),
    ]);
    const [later, earlier] = (await tollsOf(t.api, driver.riderId)).trips;
    assert.deepEqual([earlier.tariffVersion, later.tariffVersion], [1, 2]);
    assert.equal(later.fareMinor, 1000);
    assert.equal(earlier.fareMinor, 520 - 52);
  });
});
