import type { Knex } from 'knex';
import { lockForTransaction } from '../db/locks.js';
import { toNumber } from '../db/rows.js';
import { NotFoundError, TariffInvalidError } from '../errors.js';
import { checkTariff } from './checkTariff.js';
import type { Tariff } from './tariff.js';
import { TariffData } from './tariffData.js';

export function tariffFromRow(row: Record<string, unknown>): Tariff {
  return {
    id: String(row.id),
    operatorId: String(row.operator_id),
    version: toNumber(row.version),
    effectiveFrom: toNumber(row.effective_from),
    currency: String(row.currency),
    data: TariffData.parse(JSON.parse(String(row.data))),
  };
}

export async function listTariffs(db: Knex | Knex.Transaction, operatorId?: string): Promise<Tariff[]> {
  const query = db('tariffs').select().orderBy([{ column: 'operator_id' }, { column: 'version' }]);
  if (operatorId) query.where({ operator_id: operatorId });
  return (await query).map(tariffFromRow);
}

/**
 * Add the next version of an operator's tariff, checked against the network first
 * (checkTariff.ts): TARIFF_INVALID with every problem found, or the stored version.
 */
export async function addTariffVersion(knex: Knex, nowMs: number, operatorId: string, request: { effectiveFrom: number; data: unknown }): Promise<Tariff> {
  return knex.transaction(async (trx) => {
    await lockForTransaction(trx, `tariffs:${operatorId}`);
    const operator = await trx('operators').where({ id: operatorId }).first('id', 'currency');
    if (!operator) throw new NotFoundError('OPERATOR_NOT_FOUND', `operator ${operatorId}`);
    // One after another: a transaction is one connection, which runs one query at a time.
    const existing = await listTariffs(trx, operatorId);
    const stations = await trx('sites').where({ operator_id: operatorId }).select('id', 'name', 'site_kind').orderBy('id');
    const operators = await trx('operators').select('id');
    const modes = await trx('sites').distinct('mode');
    const check = checkTariff(request.effectiveFrom, request.data, {
      operatorId,
      currency: String(operator.currency),
      stations: stations.map((row) => ({ id: String(row.id), name: String(row.name), kind: (row.site_kind as string | null) ?? null })),
      operatorIds: operators.map((row) => String(row.id)),
      modes: modes.map((row) => String(row.mode)),
      existing,
      nowMs,
    });
    if (!check.ok) throw new TariffInvalidError(check.problems);
    const version = Math.max(0, ...existing.map((tariff) => tariff.version)) + 1;
    const tariff: Tariff = { id: `${operatorId}-v${version}`, operatorId, version, effectiveFrom: request.effectiveFrom, currency: String(operator.currency), data: check.data };
    await trx('tariffs').insert({ id: tariff.id, operator_id: operatorId, version, effective_from: tariff.effectiveFrom, currency: tariff.currency, data: JSON.stringify(tariff.data) });
    return tariff;
  });
}
