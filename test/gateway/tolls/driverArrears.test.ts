import assert from 'node:assert/strict';
import { accountBalance } from '../../../gateway/ledger/accounts.js';
import { checkLedger } from '../../../gateway/ledger/consistencyChecks.js';
import { topics } from '../../../protocol/topics.js';
import { listen, startTestGateway, T0, type TestGateway } from '../support.js';
import { arrearsOf, topUp } from '../moneySupport.js';
import { etcToll, HOUR, MIN, registerDriver, sendTolls, tollPassage, tollsOf } from './tollSupport.js';

const GRACE_S = 24 * 3600;
const RETRY_S = 6 * 3600;

describe('tolls: deduct after passage, with an advance (driver arrears cycle)', () => {
  let t: TestGateway;
  beforeEach(async () => (t = await startTestGateway({ broker: true, config: { arrearsGraceS: GRACE_S, arrearsRetryIntervalS: RETRY_S } })));
  afterEach(async () => t.close());

  const denied = async () => (await t.api.call('GET', '/api/deny-list')).body.entries.map((entry: { tokenId: string }) => entry.tokenId);

  it('when a driver cannot pay, then the operator is paid by the advance; retried, deny-listed after grace with the vehicle token pushed to lanes, and released on repayment', async () => {
    const lane = await listen(t.broker!.url, topics.trustDelta());
    try {
      const driver = await registerDriver(t.api, { payLaterLimitMinor: 0 });
      const toll = etcToll(52);
      await sendTolls(t.api, [tollPassage(driver, 'TW', 'entry', T0), tollPassage(driver, 'TE', 'exit', T0 + 30 * MIN)]);
      // advanced
      assert.equal(await accountBalance(t.db.knex, 'operator_revenue:road:EUR'), toll);
      assert.equal(await accountBalance(t.db.knex, `arrears_advance:${driver.riderId}:EUR`), -toll);
      let view = await tollsOf(t.api, driver.riderId);
      assert.deepEqual([view.arrears.state, view.arrears.outstandingMinor, view.riderStatus], ['advanced', toll, 'active']);
      assert.deepEqual(await denied(), []);
      // retried
      t.clock.advance(RETRY_S * 1000);
      await t.gateway.arrears.sweepOnce();
      assert.equal((await tollsOf(t.api, driver.riderId)).arrears.state, 'in_grace');
      assert.deepEqual(await denied(), []);
      // deny-listed after grace: the vehicle token reaches lanes
      t.clock.advance((GRACE_S - RETRY_S) * 1000);
      await t.gateway.arrears.sweepOnce();
      view = await tollsOf(t.api, driver.riderId);
      assert.deepEqual([view.arrears.state, view.riderStatus], ['deny_listed', 'in_arrears']);
      assert.deepEqual(await denied(), [driver.tokenId]);
      assert.equal((await lane.next((message) => message.kind === 'deny.add' && message.tokenId === driver.tokenId)).reason, 'ARREARS');
      const events = (await arrearsOf(t.api, driver.riderId)).events.map((event: { reason: string }) => event.reason).reverse();
      assert.deepEqual([events[0], events[1], events[events.length - 1]], ['CHARGE_NOT_COVERED', 'RETRY_FAILED', 'GRACE_EXPIRED']);
      // released on repayment
      await topUp(t.api, driver.riderId, toll, 'pay-debt');
      view = await tollsOf(t.api, driver.riderId);
      assert.deepEqual([view.arrears.state, view.arrears.outstandingMinor, view.riderStatus], ['settled', 0, 'active']);
      assert.deepEqual(await denied(), []);
      await lane.next((message) => message.kind === 'deny.remove' && message.tokenId === driver.tokenId);
      assert.equal(await accountBalance(t.db.knex, `arrears_advance:${driver.riderId}:EUR`), 0);
      assert.deepEqual(await checkLedger(t.db.knex), []);
    } finally {
      await lane.close();
    }
  });

  it('when a deny-listed driver registers another vehicle, then its token is denied at once, and released with the others', async () => {
    const driver = await registerDriver(t.api, { payLaterLimitMinor: 0 });
    await sendTolls(t.api, [tollPassage(driver, 'TG01', 'pass', T0)]);
    t.clock.advance(GRACE_S * 1000 + HOUR);
    await t.gateway.arrears.sweepOnce();
    const second = (await t.api.call('POST', `/api/riders/${driver.riderId}/vehicles`, { plate: 'NEWCAR1', vehicleClass: '2' })).body;
    assert.deepEqual((await denied()).sort(), [driver.tokenId, second.tokenId].sort());
    await topUp(t.api, driver.riderId, 10_000, 'settle');
    assert.deepEqual(await denied(), []);
  });
});
