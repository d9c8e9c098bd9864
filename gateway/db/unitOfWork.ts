import type { Knex } from 'knex';

/**
 * A transaction plus the effects to run once it has committed (publishing trust changes,
 * live events). Nothing outside the database may see a change that could still roll back.
 */
export interface UnitOfWork {
  trx: Knex.Transaction;
  afterCommit(effect: () => void | Promise<void>): void;
}

export async function inTransaction<T>(knex: Knex, work: (unit: UnitOfWork) => Promise<T>): Promise<T> {
  const effects: Array<() => void | Promise<void>> = [];
  const result = await knex.transaction((trx) => work({ trx, afterCommit: (effect) => effects.push(effect) }));
  for (const effect of effects) {
    try {
      await effect();
    } catch {
      // An effect is a notification (MQTT, live page); lanes catch up over HTTP if one is lost.
    }
  }
  return result;
}
