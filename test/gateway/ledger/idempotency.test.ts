import assert from 'node:assert/strict';
import { uuidv7 } from '../../../protocol/ids.js';
import { ensureAccount } from '../../../gateway/ledger/accounts.js';
import { post, type LedgerPostingInput } from '../../../gateway/ledger/ledger.js';
import { IdempotencyConflictError } from '../../../gateway/errors.js';
import { openTestDatabase, type TestDatabase } from '../../support/environment.js';

describe('ledger: idempotency keys', () => {
  let db: TestDatabase;
  beforeEach(async () => (db = await openTestDatabase()));
  afterEach(async () => db.close());

  const base = (): LedgerPostingInput => ({
    idempotencyKey: 'charge:j1',
    kind: 'charge',
    currency: 'EUR',
    journeyId: 'j1',
    riderId: 'r1',
    operatorId: 'metro',
    description: 'Journey',
    entries: [
      { accountId: 'rider_wallet:r1:EUR', amountMinor: -260 },
      { accountId: 'operator_revenue:metro:EUR', amountMinor: 260 },
    ],
  });
  const attempt = (input: LedgerPostingInput) =>
    db.knex.transaction(async (trx) => {
      await ensureAccount(trx, 'rider_wallet', 'r1', 'EUR');
      await ensureAccount(trx, 'rider_wallet', 'r2', 'EUR');
      await ensureAccount(trx, 'operator_revenue', 'metro', 'EUR');
      return post(trx, uuidv7, 1, input);
    });

  it('when the same key is posted again with the same body, then nothing changes', async () => {
    const first = await attempt(base());
    const again = await attempt({ ...base(), entries: [...base().entries].reverse() });
    assert.deepEqual([first.created, again.created, again.id], [true, false, first.id]);
    assert.equal(Number((await db.knex('postings').count({ n: '*' }).first())?.n), 1);
  });

  it('when the same key comes with a different body, then it is refused with IDEMPOTENCY_CONFLICT', async () => {
    await attempt(base());
    const variants: LedgerPostingInput[] = [
      { ...base(), entries: [{ accountId: 'rider_wallet:r1:EUR', amountMinor: -300 }, { accountId: 'operator_revenue:metro:EUR', amountMinor: 300 }] },
      { ...base(), entries: [{ accountId: 'rider_wallet:r2:EUR', amountMinor: -260 }, { accountId: 'operator_revenue:metro:EUR', amountMinor: 260 }] },
      { ...base(), kind: 'adjust' },
      { ...base(), riderId: 'r2' },
      { ...base(), journeyId: 'j2' },
    ];
    for (const variant of variants) {
      await assert.rejects(attempt(variant), (error: unknown) => error instanceof IdempotencyConflictError && error.code === 'IDEMPOTENCY_CONFLICT' && /charge:j1/.test(error.message));
    }
  });

  it('when a posting does not balance or is not in integers, then it is refused before anything is written', async () => {
    await assert.rejects(attempt({ ...base(), idempotencyKey: 'charge:j9', entries: [{ accountId: 'rider_wallet:r1:EUR', amountMinor: -1 }, { accountId: 'operator_revenue:metro:EUR', amountMinor: 2 }] }), /does not balance/);
    await assert.rejects(attempt({ ...base(), idempotencyKey: 'charge:j9', entries: [{ accountId: 'rider_wallet:r1:EUR', amountMinor: -1.5 }, { accountId: 'operator_revenue:metro:EUR', amountMinor: 1.5 }] }), /non-integer/);
    assert.equal(Number((await db.knex('postings').count({ n: '*' }).first())?.n), 0);
  });
});
