import assert from 'node:assert/strict';
import { accountBalance } from '../../gateway/ledger/accounts.js';
import { checkLedger } from '../../gateway/ledger/consistencyChecks.js';
import { uuidv7 } from '../../protocol/ids.js';
import { modeName } from '../support/environment.js';
import { enrolRider, passage, startTestGateway, type ApiAnswer, type TestGateway } from '../gateway/support.js';
import { chargesOf, METRO_FARES, MIN, topUp } from '../gateway/moneySupport.js';
import { etcToll, registerDriver, tollPassage } from '../gateway/tolls/tollSupport.js';

const TIMES = 100;

/**
 * Idempotency keys under concurrency, over real HTTP against the real gateway and database: the
 * same key sent 100 times at once has one effect (checked in the ledger), and the same key with
 * another body is refused with its own code and changes nothing. PostgreSQL is where this is
 * interesting: each request is its own transaction on its own connection.
 */
describe(`idempotency keys sent ${TIMES} times at once (${modeName})`, function () {
  this.timeout(120_000);
  let t: TestGateway;

  before(async () => (t = await startTestGateway()));
  after(async () => t?.close());

  const all = (count: number, send: () => Promise<ApiAnswer>) => Promise.all(Array.from({ length: count }, send));
  const statuses = (answers: ApiAnswer[]) => answers.reduce<Record<number, number>>((tally, answer) => ({ ...tally, [answer.status]: (tally[answer.status] ?? 0) + 1 }), {});
  const count = async (table: string, where: Record<string, unknown>) => Number((await t.db.knex(table).where(where).count({ n: '*' }).first())?.n ?? 0);
  /** Everything an effect could leave behind: postings, journeys, passages, trust changes, disputes. */
  const footprint = async () => JSON.stringify(await Promise.all(['postings', 'ledger_entries', 'journeys', 'passages', 'toll_passages', 'trust_changes', 'deny_list', 'disputes', 'invoices'].map((table) => count(table, {}))));

  it(`when a top-up with one reference is sent ${TIMES} times at once, then one posting is made and every answer shows the one balance; another amount under that reference is 409 IDEMPOTENCY_CONFLICT and changes nothing`, async () => {
    const rider = await enrolRider(t.api);
    const answers = await all(TIMES, () => t.api.call('POST', `/api/riders/${rider.riderId}/topups`, { amountMinor: 1234, reference: 'card-7781' }));
    assert.deepEqual(statuses(answers), { 201: 1, 200: TIMES - 1 }, JSON.stringify(answers.find((answer) => answer.status >= 300)?.body));
    assert.ok(answers.every((answer) => answer.body.balanceMinor === 1234));
    assert.equal(await count('postings', { idempotency_key: `topup:${rider.riderId}:card-7781` }), 1);
    assert.equal(await accountBalance(t.db.knex, `rider_wallet:${rider.riderId}:EUR`), 1234);

    const before = await footprint();
    const other = await t.api.call('POST', `/api/riders/${rider.riderId}/topups`, { amountMinor: 999, reference: 'card-7781' });
    assert.deepEqual([other.status, other.body.error.code], [409, 'IDEMPOTENCY_CONFLICT']);
    assert.match(other.body.error.message, /card-7781/);
    assert.equal(await footprint(), before);
    assert.equal(await accountBalance(t.db.knex, `rider_wallet:${rider.riderId}:EUR`), 1234);
    assert.deepEqual(await checkLedger(t.db.knex), []);
  });

  it(`when two amounts race under one reference, ${TIMES / 2} requests each, then exactly one amount is posted and every request of the other is 409`, async () => {
    const rider = await enrolRider(t.api);
    const answers = await Promise.all(Array.from({ length: TIMES }, (_, index) => t.api.call('POST', `/api/riders/${rider.riderId}/topups`, { amountMinor: index % 2 ? 500 : 700, reference: 'race' })));
    const balance = await accountBalance(t.db.knex, `rider_wallet:${rider.riderId}:EUR`);
    assert.ok(balance === 500 || balance === 700, `balance ${balance}`);
    const winners = answers.filter((_, index) => (index % 2 ? 500 : 700) === balance);
    const losers = answers.filter((_, index) => (index % 2 ? 500 : 700) !== balance);
    assert.deepEqual(statuses(winners), { 201: 1, 200: TIMES / 2 - 1 });
    assert.ok(losers.every((answer) => answer.status === 409 && answer.body.error.code === 'IDEMPOTENCY_CONFLICT'), JSON.stringify(statuses(losers)));
    assert.equal(await count('postings', { idempotency_key: `topup:${rider.riderId}:race` }), 1);
  });

  it(`when a lane sends the same passage batches ${TIMES} times at once, then each passage is stored once, the journey is charged once, and a changed passage under a stored id is PASSAGE_CONFLICT with no effect`, async () => {
    const rider = await enrolRider(t.api);
    await topUp(t.api, rider.riderId, 2000, 'before-trip');
    const at = t.clock.now();
    const entry = passage(rider.tokenId, 'M1-01', 'entry', at);
    const exit = passage(rider.tokenId, 'M1-04', 'exit', at + 12 * MIN);
    const send = (one: typeof entry) => t.api.call('POST', '/api/lane/v1/passages', { laneId: one.laneId, passages: [one] });
    const answers = await Promise.all([...Array.from({ length: TIMES }, () => send(entry)), ...Array.from({ length: TIMES }, () => send(exit))]);
    assert.deepEqual(statuses(answers), { 200: 2 * TIMES }, JSON.stringify(answers.find((answer) => answer.status !== 200)?.body));
    for (const [index, answer] of answers.entries()) assert.deepEqual(answer.body, { accepted: [index < TIMES ? entry.id : exit.id], rejected: [] });
    assert.equal(await count('passages', { token_id: rider.tokenId }), 2);
    const journeys = await t.db.knex('journeys').where({ token_id: rider.tokenId }).whereNot('status', 'void').select('id', 'status', 'fare_minor');
    assert.deepEqual(journeys.map((journey) => [journey.status, Number(journey.fare_minor)]), [['complete', METRO_FARES['M1-01']['M1-04']]]);
    assert.equal(await count('postings', { journey_id: journeys[0].id }), 1);
    assert.equal(await accountBalance(t.db.knex, `rider_wallet:${rider.riderId}:EUR`), 2000 - METRO_FARES['M1-01']['M1-04']);

    const before = await footprint();
    const changed = await send({ ...exit, passedAt: exit.passedAt + MIN });
    assert.deepEqual([changed.status, changed.body.accepted, changed.body.rejected.map((item: { code: string }) => item.code)], [200, [], ['PASSAGE_CONFLICT']]);
    const reusedSeq = await send({ ...exit, id: uuidv7() });
    assert.deepEqual(reusedSeq.body.rejected.map((item: { code: string }) => item.code), ['LANE_SEQ_CONFLICT']);
    assert.equal(await footprint(), before);
    assert.deepEqual(await checkLedger(t.db.knex), []);
  });

  it(`when a toll lane sends the same passages ${TIMES} times at once, then the trip is charged once, and a changed passage under a stored id is PASSAGE_CONFLICT with no effect`, async () => {
    const driver = await registerDriver(t.api, { payLaterLimitMinor: 0 });
    await topUp(t.api, driver.riderId, 5000, 'fuel');
    const at = t.clock.now();
    const entry = tollPassage(driver, 'TW', 'entry', at);
    const exit = tollPassage(driver, 'TE', 'exit', at + 30 * MIN);
    const send = (one: typeof entry) => t.api.call('POST', '/api/lane/v1/toll-passages', { laneId: one.laneId, passages: [one] });
    const answers = await Promise.all([...Array.from({ length: TIMES }, () => send(entry)), ...Array.from({ length: TIMES }, () => send(exit))]);
    assert.deepEqual(statuses(answers), { 200: 2 * TIMES }, JSON.stringify(answers.find((answer) => answer.status !== 200)?.body));
    assert.ok(answers.every((answer) => answer.body.rejected.length === 0));
    assert.equal(await count('toll_passages', { vehicle_token_id: driver.tokenId }), 2);
    const charges = await chargesOf(t.api, driver.riderId);
    assert.deepEqual(charges.map((charge) => charge.amountMinor), [etcToll(52)]);
    assert.equal(await accountBalance(t.db.knex, `rider_wallet:${driver.riderId}:EUR`), 5000 - etcToll(52));

    const before = await footprint();
    const changed = await send({ ...exit, vehicleClass: '2' });
    assert.deepEqual(changed.body.rejected.map((item: { code: string }) => item.code), ['PASSAGE_CONFLICT']);
    assert.equal(await footprint(), before);
    assert.deepEqual(await checkLedger(t.db.knex), []);
  });

  it(`when a dispute and its decision are each sent ${TIMES} times at once, then one dispute and one refund exist; another reason or another decision is 409 and changes nothing`, async () => {
    const rider = await enrolRider(t.api);
    await topUp(t.api, rider.riderId, 1000, 'c1');
    const at = t.clock.now();
    for (const one of [passage(rider.tokenId, 'M1-02', 'entry', at), passage(rider.tokenId, 'M1-06', 'exit', at + 10 * MIN)]) await t.api.call('POST', '/api/lane/v1/passages', { laneId: one.laneId, passages: [one] });
    const [charge] = await chargesOf(t.api, rider.riderId);
    const opened = await all(TIMES, () => t.api.call('POST', `/api/riders/${rider.riderId}/disputes`, { chargeId: charge.id, reason: 'charged twice' }));
    assert.deepEqual(statuses(opened), { 201: 1, 200: TIMES - 1 });
    assert.equal(new Set(opened.map((answer) => answer.body.id)).size, 1);
    const disputeId = opened[0].body.id;
    const otherReason = await t.api.call('POST', `/api/riders/${rider.riderId}/disputes`, { chargeId: charge.id, reason: 'wrong station' });
    assert.deepEqual([otherReason.status, otherReason.body.error.code], [409, 'DISPUTE_ALREADY_OPEN']);

    const decided = await all(TIMES, () => t.api.call('POST', `/api/disputes/${disputeId}/decision`, { decision: 'grant', amountMinor: 100 }));
    assert.deepEqual(statuses(decided), { 200: TIMES }, JSON.stringify(decided.find((answer) => answer.status !== 200)?.body));
    assert.equal(await count('postings', { idempotency_key: `refund:${disputeId}` }), 1);
    assert.equal(await accountBalance(t.db.knex, `rider_wallet:${rider.riderId}:EUR`), 1000 - charge.amountMinor + 100);
    const before = await footprint();
    const otherDecision = await t.api.call('POST', `/api/disputes/${disputeId}/decision`, { decision: 'grant', amountMinor: 150 });
    assert.deepEqual([otherDecision.status, otherDecision.body.error.code], [409, 'DISPUTE_ALREADY_DECIDED']);
    assert.equal(await footprint(), before);
    assert.deepEqual(await checkLedger(t.db.knex), []);
  });

  it(`when one token is deny-listed ${TIMES} times at once, then one deny.add reaches the trust log`, async () => {
    const rider = await enrolRider(t.api);
    const answers = await all(TIMES, () => t.api.call('POST', '/api/deny-list', { tokenId: rider.tokenId, reason: 'lost phone' }));
    assert.deepEqual(statuses(answers), { 201: TIMES }, JSON.stringify(answers.find((answer) => answer.status !== 201)?.body));
    const changes = (await t.db.knex('trust_changes').where({ kind: 'deny.add' }).select('payload')).filter((row) => JSON.parse(row.payload).tokenId === rider.tokenId);
    assert.equal(changes.length, 1);
    assert.equal(await count('deny_list', { token_id: rider.tokenId }), 1);
  });

  it(`when one charge is invoiced ${TIMES} times at once, then one invoice holds it and every other request is 409 CHARGE_ALREADY_INVOICED`, async () => {
    const rider = await enrolRider(t.api);
    await topUp(t.api, rider.riderId, 1000, 'c1');
    const one = passage(rider.tokenId, 'B42-1', 'board', t.clock.now());
    await t.api.call('POST', '/api/lane/v1/passages', { laneId: one.laneId, passages: [one] });
    const [charge] = await chargesOf(t.api, rider.riderId);
    const answers = await all(TIMES, () => t.api.call('POST', `/api/riders/${rider.riderId}/invoices`, { chargeIds: [charge.id] }));
    assert.deepEqual(statuses(answers), { 201: 1, 409: TIMES - 1 });
    assert.ok(answers.filter((answer) => answer.status === 409).every((answer) => answer.body.error.code === 'CHARGE_ALREADY_INVOICED'));
    assert.equal((await t.api.call('GET', `/api/riders/${rider.riderId}/invoices`)).body.invoices.length, 1);
  });
});
