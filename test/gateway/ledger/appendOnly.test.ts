import assert from 'node:assert/strict';
import { uuidv7 } from '../../../protocol/ids.js';
import { ensureAccount } from '../../../gateway/ledger/accounts.js';
import { post } from '../../../gateway/ledger/ledger.js';
import { openTestDatabase, type TestDatabase } from '../../support/environment.js';

/**
 * The append-only guarantee is enforced by the database (migration 0010: triggers on postings and
 * ledger_entries), so it holds whatever code runs: this test tries every forbidden change.
 */
describe('ledger: append-only in the database', () => {
  let db: TestDatabase;
  let postingId: string;
  before(async () => {
    db = await openTestDatabase();
    postingId = await db.knex.transaction(async (trx) => {
      const a = await ensureAccount(trx, 'external_funding', 'payments', 'EUR');
      const b = await ensureAccount(trx, 'rider_wallet', 'r1', 'EUR');
      return (await post(trx, uuidv7, 1, { idempotencyKey: 'topup:r1:x', kind: 'topup', currency: 'EUR', riderId: 'r1', description: 'x', entries: [{ accountId: a, amountMinor: -5 }, { accountId: b, amountMinor: 5 }] })).id;
    });
  });
  after(async () => db.close());

  const refused = async (what: string, change: () => Promise<unknown>) => {
    await assert.rejects(change(), /LEDGER_APPEND_ONLY/, `${what} must be refused`);
  };

  it('when anything updates or deletes a posting, then the database refuses', async () => {
    await refused('update posting', () => db.knex('postings').where({ id: postingId }).update({ description: 'edited' }));
    await refused('delete posting', () => db.knex('postings').where({ id: postingId }).delete());
  });

  it('when anything updates or deletes a ledger entry, then the database refuses and the balance is unchanged', async () => {
    await refused('update entry', () => db.knex('ledger_entries').where({ posting_id: postingId }).update({ amount_minor: 50 }));
    await refused('delete entry', () => db.knex('ledger_entries').where({ posting_id: postingId }).delete());
    const sum = await db.knex('ledger_entries').where({ account_id: 'rider_wallet:r1:EUR' }).sum({ total: 'amount_minor' }).first();
    assert.equal(Number(sum?.total), 5);
  });
});
