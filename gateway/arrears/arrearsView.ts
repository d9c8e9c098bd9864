import type { Knex } from 'knex';
import { listArrearsEventsOf, listArrearsOf, type ArrearsEvent, type ArrearsRecord, type ArrearsState } from './arrearsRecords.js';

/** A debtor's standing: current (never in arrears), a record state (the worst open one), or settled (all repaid). */
export type ArrearsStanding = 'current' | ArrearsState;

export interface ArrearsView {
  ownerId: string;
  state: ArrearsStanding;
  outstandingMinor: number;
  records: ArrearsRecord[];
  events: ArrearsEvent[];
}

const SEVERITY: ArrearsState[] = ['deny_listed', 'in_grace', 'advanced'];

export async function arrearsViewOf(db: Knex, ownerId: string): Promise<ArrearsView> {
  const [records, events] = await Promise.all([listArrearsOf(db, ownerId), listArrearsEventsOf(db, ownerId)]);
  const open = records.filter((record) => record.state !== 'settled');
  const state: ArrearsStanding = SEVERITY.find((candidate) => open.some((record) => record.state === candidate)) ?? (records.length ? 'settled' : 'current');
  return { ownerId, state, outstandingMinor: open.reduce((total, record) => total + record.outstandingMinor, 0), records, events };
}
