import assert from 'node:assert/strict';
import { payLaterLimitForScore } from '../../../gateway/funding/creditLine.js';
import { gatewayConfig } from '../../../gateway/config.js';
import { accountBalance } from '../../../gateway/ledger/accounts.js';
import { enrolRider, startTestGateway, type TestGateway } from '../support.js';
import { arrearsOf, BUS_FARE, rideBus, riderView, topUp } from '../moneySupport.js';

describe('funding: pay-later line from a credit score', () => {
  let t: TestGateway;
  beforeEach(async () => (t = await startTestGateway({ config: { payLaterScoreLimits: '600:1000,700:2000,800:5000', payLaterMinScore: 600 } })));
  afterEach(async () => t.close());

  it('when scores are looked up in the table, then each gets the highest step at or below it and none below the minimum', () => {
    const config = gatewayConfig({ payLaterScoreLimits: '700:2000,600:1000,800:5000', payLaterMinScore: 650 });
    assert.deepEqual([599, 600, 649, 650, 699, 700, 799, 800, 1000].map((score) => payLaterLimitForScore(config, score)), [0, 0, 0, 1000, 1000, 2000, 2000, 5000, 5000]);
  });

  it('when an operator sets a score, then the line follows the table and the credential carries it as the offline limit', async () => {
    const rider = await enrolRider(t.api, { payLaterLimitMinor: 0 });
    const set = await t.api.call('PUT', `/api/riders/${rider.riderId}/credit-score`, { score: 720 });
    assert.equal(set.status, 200);
    assert.deepEqual([set.body.creditScore, set.body.eligible, set.body.payLaterLimitMinor, set.body.availableMinor], [720, true, 2000, 2000]);
    await topUp(t.api, rider.riderId, 500, 'card-1');
    const line = (await t.api.call('GET', `/api/riders/${rider.riderId}/credit-line`)).body;
    assert.deepEqual([line.payLaterLimitMinor, line.balanceMinor, line.availableMinor, line.usedMinor], [2000, 500, 2500, 0]);
    const issued = await t.api.call('POST', `/api/riders/${rider.riderId}/phones/${rider.phoneId}/credential`);
    assert.equal(issued.body.offlineLimitMinor, 2500);
  });

  it('when a rider scores below the minimum, then there is no line: the wallet pays and what it cannot is advanced', async () => {
    const rider = await enrolRider(t.api);
    const set = (await t.api.call('PUT', `/api/riders/${rider.riderId}/credit-score`, { score: 550 })).body;
    assert.deepEqual([set.eligible, set.payLaterLimitMinor], [false, 0]);
    await topUp(t.api, rider.riderId, 100, 'card-1');
    assert.equal((await t.api.call('POST', `/api/riders/${rider.riderId}/phones/${rider.phoneId}/credential`)).body.offlineLimitMinor, 100);
    await rideBus(t, rider);
    assert.equal((await riderView(t.api, rider.riderId)).balanceMinor, 0, 'the wallet never goes below zero without a line');
    assert.equal(await accountBalance(t.db.knex, `arrears_advance:${rider.riderId}:EUR`), -(BUS_FARE - 100));
    const arrears = await arrearsOf(t.api, rider.riderId);
    assert.deepEqual([arrears.state, arrears.outstandingMinor], ['advanced', BUS_FARE - 100]);
  });

  it('when a score is out of range, then it is refused as invalid', async () => {
    const rider = await enrolRider(t.api);
    const answer = await t.api.call('PUT', `/api/riders/${rider.riderId}/credit-score`, { score: -1 });
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error.code, 'VALIDATION_FAILED');
  });
});
