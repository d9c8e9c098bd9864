import type { Direction, GateCommand } from '../../protocol/messages.js';
import type { Mode, PassageRecord } from '../../protocol/laneApi.js';
import { passageFingerprint } from '../../protocol/passageFingerprint.js';
import type { LaneDatabase } from './laneDatabase.js';

/** awaiting: the gate was told to open; the rest are final, except that a late confirmation may follow expired. */
export type DecisionState = 'awaiting' | 'denied' | 'passed' | 'timed_out' | 'expired';

export interface DecisionRecord {
  id: string;
  deviceId: string;
  msgId: string;
  tokenId: string | null;
  keyId: number | null;
  fareClass: number | null;
  direction: Direction;
  action: 'open' | 'deny';
  reason: string | null;
  decidedAt: number;
  trustStale: boolean;
  command: GateCommand;
}

export interface StoredDecision extends DecisionRecord {
  state: DecisionState;
}

interface DecisionRow {
  id: string;
  device_id: string;
  msg_id: string;
  token_id: string | null;
  key_id: number | null;
  fare_class: number | null;
  direction: Direction;
  action: 'open' | 'deny';
  reason: string | null;
  decided_at: number;
  state: DecisionState;
  trust_stale: number;
  command: string;
}

export type ConfirmOutcome =
  | { kind: 'recorded'; passage: PassageRecord; decision: StoredDecision }
  | { kind: 'duplicate' | 'unknown' | 'not_open' | 'wrong_device' };

export interface LaneIdentity {
  laneId: string;
  stationId: string;
  mode: Mode;
}

function toDecision(row: DecisionRow): StoredDecision {
  return {
    id: row.id,
    deviceId: row.device_id,
    msgId: row.msg_id,
    tokenId: row.token_id,
    keyId: row.key_id,
    fareClass: row.fare_class,
    direction: row.direction,
    action: row.action,
    reason: row.reason,
    decidedAt: row.decided_at,
    state: row.state,
    trustStale: row.trust_stale === 1,
    command: JSON.parse(row.command) as GateCommand,
  };
}

/**
 * The lane's decision journal: every decision is written here before its gate command leaves,
 * and a confirmed passage becomes an outbox row in the same transaction (design section 5).
 */
export class DecisionJournal {
  private readonly statements;

  constructor(private readonly db: LaneDatabase, private readonly lane: LaneIdentity) {
    this.statements = {
      byMessage: db.prepare('SELECT * FROM decisions WHERE device_id = ? AND msg_id = ?'),
      byId: db.prepare('SELECT * FROM decisions WHERE id = ?'),
      insert: db.prepare(
        `INSERT INTO decisions (id, device_id, msg_id, token_id, key_id, fare_class, direction, action, reason, decided_at, state, trust_stale, command)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      close: db.prepare('UPDATE decisions SET state = ?, closed_at = ? WHERE id = ?'),
      nextSeq: db.prepare('SELECT COALESCE(MAX(lane_seq), 0) + 1 AS seq FROM outbox'),
      append: db.prepare('INSERT INTO outbox (lane_seq, passage_id, record, passed_at, fingerprint) VALUES (?, ?, ?, ?, ?)'),
      expire: db.prepare("UPDATE decisions SET state = 'expired', closed_at = ? WHERE state = 'awaiting' AND decided_at < ?"),
    };
  }

  findByMessage(deviceId: string, msgId: string): StoredDecision | undefined {
    const row = this.statements.byMessage.get(deviceId, msgId) as DecisionRow | undefined;
    return row && toDecision(row);
  }

  find(id: string): StoredDecision | undefined {
    const row = this.statements.byId.get(id) as DecisionRow | undefined;
    return row && toDecision(row);
  }

  /** Synchronous and durable on return: the gate command may be published after this. */
  record(decision: DecisionRecord): void {
    this.statements.insert.run(
      decision.id,
      decision.deviceId,
      decision.msgId,
      decision.tokenId,
      decision.keyId,
      decision.fareClass,
      decision.direction,
      decision.action,
      decision.reason,
      decision.decidedAt,
      decision.action === 'open' ? 'awaiting' : 'denied',
      decision.trustStale ? 1 : 0,
      JSON.stringify(decision.command),
    );
  }

  /** The device saw the rider through: mark the decision passed and append the passage, atomically. */
  readonly confirmPassage = (decisionId: string, deviceId: string, passedAt: number, tailgate: boolean): ConfirmOutcome =>
    this.db.transaction((): ConfirmOutcome => {
      const row = this.statements.byId.get(decisionId) as DecisionRow | undefined;
      if (!row) return { kind: 'unknown' };
      if (row.device_id !== deviceId) return { kind: 'wrong_device' };
      if (row.state === 'passed' || row.state === 'timed_out') return { kind: 'duplicate' };
      if (row.state === 'denied' || row.token_id === null) return { kind: 'not_open' };
      // A confirmation after the lane expired the decision still is a real passage: the device is the witness.
      const laneSeq = (this.statements.nextSeq.get() as { seq: number }).seq;
      const passage: PassageRecord = {
        id: row.id,
        laneId: this.lane.laneId,
        laneSeq,
        stationId: this.lane.stationId,
        deviceId: row.device_id,
        mode: this.lane.mode,
        direction: row.direction,
        tokenId: row.token_id,
        keyId: row.key_id ?? 0,
        fareClass: row.fare_class ?? 0,
        decidedAt: row.decided_at,
        passedAt,
        tailgate,
        trustStale: row.trust_stale === 1,
      };
      this.statements.close.run('passed', passedAt, row.id);
      this.statements.append.run(laneSeq, row.id, JSON.stringify(passage), passedAt, passageFingerprint(passage));
      return { kind: 'recorded', passage, decision: { ...toDecision(row), state: 'passed' } };
    }).immediate();

  /** The gate closed with nobody through: nothing to charge. */
  readonly timeOut = (decisionId: string, deviceId: string, at: number): 'timed_out' | 'duplicate' | 'unknown' | 'not_open' | 'wrong_device' =>
    this.db.transaction(() => {
      const row = this.statements.byId.get(decisionId) as DecisionRow | undefined;
      if (!row) return 'unknown' as const;
      if (row.device_id !== deviceId) return 'wrong_device' as const;
      if (row.state === 'denied') return 'not_open' as const;
      if (row.state !== 'awaiting' && row.state !== 'expired') return 'duplicate' as const;
      this.statements.close.run('timed_out', at, decisionId);
      return 'timed_out' as const;
    }).immediate();

  /** Openings nobody confirmed within the gate's time plus a margin: nobody is charged. */
  expireUnconfirmed(decidedBefore: number, at: number): number {
    return this.statements.expire.run(at, decidedBefore).changes;
  }
}
