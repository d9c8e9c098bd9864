import type { Knex } from 'knex';
import { toNumber } from '../db/rows.js';
import type { Principal } from './principal.js';

export interface AuditEntry {
  action: string;
  target?: string;
  outcome: 'done' | 'refused';
  operatorId?: string | null;
  source?: string;
  detail?: Record<string, unknown>;
}

export interface AuditRow extends AuditEntry {
  id: number;
  at: number;
  actorKind: Principal['kind'];
  actorId: string | null;
  actorName: string | null;
}

function actorOf(principal: Principal): { kind: Principal['kind']; id: string | null; name: string | null; operatorId: string | null } {
  if (principal.kind === 'staff') return { kind: 'staff', id: principal.userId, name: principal.username, operatorId: principal.operatorId };
  if (principal.kind === 'rider') return { kind: 'rider', id: principal.riderId, name: null, operatorId: null };
  return { kind: 'anonymous', id: null, name: null, operatorId: null };
}

/** Append one row: who (the principal), when, what (action and target), and how it ended. */
export async function recordAudit(db: Knex, principal: Principal, at: number, entry: AuditEntry): Promise<void> {
  const actor = actorOf(principal);
  await db('audit_log').insert({
    at,
    actor_kind: actor.kind,
    actor_id: actor.id,
    actor_name: actor.name,
    operator_id: entry.operatorId === undefined ? actor.operatorId : entry.operatorId,
    action: entry.action,
    target: entry.target ?? null,
    outcome: entry.outcome,
    source: entry.source ?? null,
    detail: entry.detail ? JSON.stringify(entry.detail) : null,
  });
}

/** Newest first; staff of one operator see only rows about that operator. */
export async function listAudit(db: Knex, filter: { operatorId?: string | null; outcome?: 'done' | 'refused'; beforeId?: number; limit: number }): Promise<AuditRow[]> {
  const query = db('audit_log').orderBy('id', 'desc').limit(filter.limit);
  if (filter.operatorId) query.where({ operator_id: filter.operatorId });
  if (filter.outcome) query.where({ outcome: filter.outcome });
  if (filter.beforeId) query.where('id', '<', filter.beforeId);
  const rows = await query;
  return rows.map((row: any) => ({
    id: toNumber(row.id),
    at: toNumber(row.at),
    actorKind: row.actor_kind,
    actorId: row.actor_id,
    actorName: row.actor_name,
    operatorId: row.operator_id,
    action: row.action,
    target: row.target ?? undefined,
    outcome: row.outcome,
    source: row.source ?? undefined,
    detail: row.detail ? JSON.parse(row.detail) : undefined,
  }));
}
