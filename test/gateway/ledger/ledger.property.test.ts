import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkLedger } from '../../../gateway/ledger/consistencyChecks.js';
import { findUnbalancedPostings } from '../../../gateway/ledger/ledger.js';
import type { PassageRecord } from '../../../protocol/laneApi.js';
import { enrolRider, passage, startTestGateway, type ApiAnswer, type EnrolledRider, type TestGateway } from '../support.js';
import { HOUR, MIN } from '../moneySupport.js';

const RIDER = fc.integer({ min: 0, max: 2 });
const STATION = fc.constantFrom('M1-01', 'M1-03', 'M1-05', 'M1-08');
const COMMAND = fc.oneof(
  fc.record({ t: fc.constant('metro' as const), rider: RIDER, from: STATION, to: STATION }),
  fc.record({ t: fc.constant('bus' as const), rider: RIDER }),
  fc.record({ t: fc.constant('late' as const), rider: RIDER, from: STATION, to: STATION }),
  fc.record({ t: fc.constant('topup' as const), rider: RIDER, amountMinor: fc.integer({ min: 1, max: 800 }), ref: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ t: fc.constant('refund' as const), rider: RIDER, which: fc.nat(), partMinor: fc.option(fc.integer({ min: 1, max: 300 }), { nil: undefined }) }),
  fc.record({ t: fc.constant('wait' as const), hours: fc.integer({ min: 1, max: 30 }) }),
  fc.record({ t: fc.constant('replay' as const), which: fc.nat() }),
);
type Command = typeof COMMAND extends fc.Arbitrary<infer C> ? C : never;

/** An input to the gateway that a client or a lane could send again. */
type Input = { method: string; path: string; body: unknown };

/**
 * For any sequence of journeys (with late passages that correct charges), top-ups, refunds, uncovered charges (riders with little or no
 * line, a family payer with a small limit), scheduled retries and repayments: the ledger
 * balances, every balance is the sum of its entries, the consistency check finds nothing, and
 * replaying every input that was accepted changes nothing.
 */
describe('ledger property: any sequence of money events', () => {
  let t: TestGateway;
  before(async () => (t = await startTestGateway({ config: { arrearsGraceS: 12 * 3600, arrearsRetryIntervalS: 3600 } })));
  after(async () => t.close());

  async function send(input: Input): Promise<ApiAnswer> {
    return t.api.call(input.method, input.path, input.body);
  }

  async function snapshot(riders: EnrolledRider[]) {
    const ids = riders.map((rider) => rider.riderId);
    const postings = await t.db.knex('postings').whereIn('rider_id', ids).orderBy('idempotency_key').select('idempotency_key');
    const balances: Array<Record<string, unknown>> = await t.db.knex('ledger_entries').join('accounts', 'accounts.id', 'ledger_entries.account_id').whereIn('accounts.owner_id', ids).groupBy('accounts.id').orderBy('accounts.id').select('accounts.id').sum({ total: 'ledger_entries.amount_minor' });
    const arrears = await t.db.knex('arrears').whereIn('owner_id', ids).orderBy('posting_id').select('posting_id', 'state', 'repaid_minor', 'waived_minor');
    const notices = await t.db.knex('payer_notices').whereIn('member_rider_id', ids).count({ n: '*' }).first();
    const disputes = await t.db.knex('disputes').whereIn('rider_id', ids).orderBy('id').select('id', 'state', 'granted_minor');
    return JSON.stringify({ postings, balances: balances.map((row) => [row.id, Number(row.total)]), arrears, notices: Number(notices?.n), disputes });
  }

  it('when any sequence is run and replayed, then the ledger balances, balances are sums of entries, the check is clean, and the replay changes nothing', async function () {
    this.timeout(240_000);
    await fc.assert(
      fc.asyncProperty(fc.array(COMMAND, { minLength: 1, maxLength: 14 }), async (commands: Command[]) => {
        const payer = await enrolRider(t.api, { name: 'payer', payLaterLimitMinor: 0 });
        const riders = [await enrolRider(t.api, { payLaterLimitMinor: 0 }), await enrolRider(t.api, { payLaterLimitMinor: 300 }), await enrolRider(t.api, { payLaterLimitMinor: 0 })];
        const accepted: Input[] = [];
        const run = async (input: Input) => {
          const answer = await send(input);
          assert.ok(answer.status < 500, `${input.method} ${input.path}: ${JSON.stringify(answer.body)}`);
          if (answer.status < 300) accepted.push(input);
          return answer;
        };
        await run({ method: 'POST', path: `/api/riders/${payer.riderId}/topups`, body: { amountMinor: 400, reference: 'start' } });
        await run({ method: 'PUT', path: `/api/riders/${riders[2].riderId}/family-payer`, body: { payerRiderId: payer.riderId, monthlyLimitMinor: 350 } });
        const sendPassage = (one: PassageRecord) => run({ method: 'POST', path: '/api/lane/v1/passages', body: { laneId: one.laneId, passages: [one] } });
        for (const command of commands) {
          if (command.t === 'metro') {
            const rider = riders[command.rider];
            await sendPassage(passage(rider.tokenId, command.from, 'entry', t.clock.now()));
            await sendPassage(passage(rider.tokenId, command.to, 'exit', t.clock.now() + 12 * MIN));
            t.clock.advance(20 * MIN);
          } else if (command.t === 'late') {
            // Entry, another entry (the first is charged as no_exit), then the first one's exit
            // arrives late: a re-pairing corrects the charge with a new posting.
            const rider = riders[command.rider];
            const at = t.clock.now();
            await sendPassage(passage(rider.tokenId, command.from, 'entry', at));
            await sendPassage(passage(rider.tokenId, command.to, 'entry', at + 10 * MIN));
            await sendPassage(passage(rider.tokenId, command.to, 'exit', at + 5 * MIN));
            t.clock.advance(20 * MIN);
          } else if (command.t === 'bus') {
            await sendPassage(passage(riders[command.rider].tokenId, 'B42-2', 'board', t.clock.now()));
            t.clock.advance(10 * MIN);
          } else if (command.t === 'topup') {
            await run({ method: 'POST', path: `/api/riders/${riders[command.rider].riderId}/topups`, body: { amountMinor: command.amountMinor, reference: `ref-${command.ref}` } });
          } else if (command.t === 'refund') {
            const charges = (await t.api.call('GET', `/api/riders/${riders[command.rider].riderId}/charges`)).body.charges.filter((charge: { amountMinor: number }) => charge.amountMinor > 0);
            if (!charges.length) continue;
            const charge = charges[command.which % charges.length];
            const dispute = await run({ method: 'POST', path: `/api/riders/${riders[command.rider].riderId}/disputes`, body: { chargeId: charge.id, reason: 'property' } });
            if (dispute.status < 300) await run({ method: 'POST', path: `/api/disputes/${dispute.body.id}/decision`, body: { decision: 'grant', amountMinor: command.partMinor } });
          } else if (command.t === 'wait') {
            t.clock.advance(command.hours * HOUR);
            await t.gateway.sweeper.sweepOnce(); // open entries past the timeout are charged as no_exit
            await t.gateway.arrears.sweepOnce();
          } else if (accepted.length) {
            await send(accepted[command.which % accepted.length]);
          }
        }
        assert.deepEqual(await findUnbalancedPostings(t.db.knex), []);
        assert.deepEqual(await checkLedger(t.db.knex), []);
        for (const rider of [payer, ...riders]) {
          const view = (await t.api.call('GET', `/api/riders/${rider.riderId}`)).body;
          const sum = await t.db.knex('ledger_entries').where({ account_id: `rider_wallet:${rider.riderId}:EUR` }).sum({ total: 'amount_minor' }).first();
          assert.equal(view.balanceMinor, Number(sum?.total ?? 0));
        }
        await t.gateway.arrears.sweepOnce(); // whatever is due now happens before the snapshot, not during the replay
        const before = await snapshot([payer, ...riders]);
        for (const input of accepted) await send(input);
        await t.gateway.arrears.sweepOnce();
        assert.equal(await snapshot([payer, ...riders]), before, 'replaying every accepted input changes nothing');
        assert.deepEqual(await checkLedger(t.db.knex), []);
      }),
      { numRuns: 25 },
    );
  });
});
