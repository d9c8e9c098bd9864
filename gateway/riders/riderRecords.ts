import type { Knex } from 'knex';
import { NotFoundError } from '../errors.js';
import { toNumber } from '../db/rows.js';
import { accountBalance, accountId } from '../ledger/accounts.js';

export type RiderStatus = 'active' | 'in_arrears';

export interface Rider {
  id: string;
  name: string;
  email: string | null;
  status: RiderStatus;
  currency: string;
  payLaterLimitMinor: number;
  fareClass: number;
  createdAt: number;
}

export interface RiderFunds {
  balanceMinor: number;
  /** What the rider may still spend: balance plus the pay-later line. */
  availableMinor: number;
}

function fromRow(row: Record<string, unknown>): Rider {
  return {
    id: String(row.id),
    name: String(row.name),
    email: (row.email as string | null) ?? null,
    status: row.status as RiderStatus,
    currency: String(row.currency),
    payLaterLimitMinor: toNumber(row.pay_later_limit_minor),
    fareClass: toNumber(row.fare_class),
    createdAt: toNumber(row.created_at),
  };
}

export async function findRider(db: Knex | Knex.Transaction, riderId: string): Promise<Rider | undefined> {
  const row = await db('riders').where({ id: riderId }).first();
  return row ? fromRow(row) : undefined;
}

export async function requireRider(db: Knex | Knex.Transaction, riderId: string): Promise<Rider> {
  const rider = await findRider(db, riderId);
  if (!rider) throw new NotFoundError('RIDER_NOT_FOUND', `rider ${riderId}`);
  return rider;
}

export function walletAccountId(rider: Pick<Rider, 'id' | 'currency'>): string {
  return accountId('rider_wallet', rider.id, rider.currency);
}

export async function riderFunds(db: Knex | Knex.Transaction, rider: Rider): Promise<RiderFunds> {
  const balanceMinor = await accountBalance(db, walletAccountId(rider));
  return { balanceMinor, availableMinor: balanceMinor + rider.payLaterLimitMinor };
}

/**
 * Every credential of the rider lanes must refuse when the rider is denied: the tokens of their
 * phones, then the tokens of their vehicles (removed ones too, so a release reaches them).
 */
export async function tokensOfRider(db: Knex | Knex.Transaction, riderId: string): Promise<string[]> {
  const phones = await db('tokens').where({ rider_id: riderId }).orderBy('created_at').select('id');
  const vehicles = await db('vehicles').where({ rider_id: riderId }).orderBy('created_at').select('token_id as id');
  return [...phones, ...vehicles].map((row) => String(row.id));
}

export async function riderIdOfToken(db: Knex | Knex.Transaction, tokenId: string): Promise<string | undefined> {
  const row = await db('tokens').where({ id: tokenId }).first('rider_id');
  return row ? String(row.rider_id) : undefined;
}
