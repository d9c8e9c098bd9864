import type { Knex } from 'knex';

/**
 * arrears_advance: owned by a debtor (rider or driver); the advance fund paid operators for them,
 * so its balance is minus what they still owe.
 */
export type AccountKind = 'rider_wallet' | 'operator_revenue' | 'external_funding' | 'arrears_advance';

/** Account ids are derived from what they belong to, so creating one is idempotent. */
export function accountId(kind: AccountKind, ownerId: string, currency: string): string {
  return `${kind}:${ownerId}:${currency}`;
}

export async function ensureAccount(trx: Knex.Transaction, kind: AccountKind, ownerId: string, currency: string): Promise<string> {
  const id = accountId(kind, ownerId, currency);
  await trx('accounts').insert({ id, kind, owner_id: ownerId, currency }).onConflict('id').ignore();
  return id;
}

/** The balance of an account, derived from its entries (there is no stored balance to drift). */
export async function accountBalance(db: Knex | Knex.Transaction, id: string): Promise<number> {
  const row = await db('ledger_entries').where({ account_id: id }).sum({ total: 'amount_minor' }).first();
  return Number(row?.total ?? 0);
}
