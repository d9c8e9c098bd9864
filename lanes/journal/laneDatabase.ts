import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export type LaneDatabase = Database.Database;

// Each step runs once, in order; PRAGMA user_version records how far a file has come.
const MIGRATIONS: string[] = [
  `CREATE TABLE decisions (
     id TEXT PRIMARY KEY,
     device_id TEXT NOT NULL,
     msg_id TEXT NOT NULL,
     token_id TEXT,
     key_id INTEGER,
     fare_class INTEGER,
     direction TEXT NOT NULL,
     action TEXT NOT NULL,
     reason TEXT,
     decided_at INTEGER NOT NULL,
     state TEXT NOT NULL,
     trust_stale INTEGER NOT NULL DEFAULT 0,
     command TEXT NOT NULL,
     closed_at INTEGER,
     UNIQUE (device_id, msg_id)
   );
   CREATE INDEX decisions_awaiting ON decisions (decided_at) WHERE state = 'awaiting';
   CREATE TABLE outbox (
     lane_seq INTEGER PRIMARY KEY,
     passage_id TEXT NOT NULL UNIQUE,
     record TEXT NOT NULL,
     state TEXT NOT NULL DEFAULT 'pending',
     attempts INTEGER NOT NULL DEFAULT 0,
     reject_code TEXT,
     reject_message TEXT,
     sent_at INTEGER
   );
   CREATE INDEX outbox_pending ON outbox (lane_seq) WHERE state = 'pending';
   CREATE TABLE trust_keys (
     key_id INTEGER PRIMARY KEY,
     algorithm TEXT NOT NULL,
     public_key TEXT NOT NULL,
     valid_from_s INTEGER NOT NULL,
     valid_until_s INTEGER NOT NULL,
     revoked INTEGER NOT NULL DEFAULT 0
   );
   CREATE TABLE trust_denied (token_id TEXT PRIMARY KEY, reason TEXT NOT NULL);
   CREATE TABLE lane_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
  // Tolls: registered vehicles in the trust copy; the vehicles a toll lane is fusing reads of
  // (lanes/toll/tollJournal.ts), and every device message id it has taken, for idempotency.
  `CREATE TABLE trust_vehicles (token_id TEXT PRIMARY KEY, tag_id TEXT, plate TEXT NOT NULL, vehicle_class TEXT NOT NULL);
   CREATE TABLE toll_tracks (
     id TEXT PRIMARY KEY,
     lane TEXT NOT NULL,
     state TEXT NOT NULL,
     opened_at INTEGER NOT NULL,
     closed_at INTEGER,
     track TEXT NOT NULL
   );
   CREATE INDEX toll_tracks_open ON toll_tracks (opened_at) WHERE state IN ('open', 'lifted', 'cleared', 'diverted');
   CREATE TABLE toll_messages (device_id TEXT NOT NULL, msg_id TEXT NOT NULL, track_id TEXT, at INTEGER NOT NULL, PRIMARY KEY (device_id, msg_id)) WITHOUT ROWID;
   CREATE INDEX toll_messages_at ON toll_messages (at);`,
  // Journal days (docs/protocol.md): each passage's time and fingerprint beside its record, so a
  // business day's report reads an index instead of parsing every record. Fingerprints of older
  // rows are computed when they are first reported (lanes/journal/journalDaySummary.ts).
  `ALTER TABLE outbox ADD COLUMN passed_at INTEGER;
   ALTER TABLE outbox ADD COLUMN fingerprint TEXT;
   UPDATE outbox SET passed_at = json_extract(record, '$.passedAt');
   CREATE INDEX outbox_passed_at ON outbox (passed_at, lane_seq);`,
  // A restarted lane counts the denials it journaled after its last accepted report (lanes/status/reportedDenials.ts).
  `CREATE INDEX IF NOT EXISTS decisions_denied ON decisions (decided_at) WHERE action = 'deny';`,
];

/**
 * Open (and migrate) a lane's SQLite file. WAL with synchronous=NORMAL: a committed transaction
 * survives a SIGKILL of the process (only an OS crash may lose the last few), at a fraction of
 * the cost of FULL.
 */
export function openLaneDatabase(file: string): LaneDatabase {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file, { timeout: 5000 });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let step = current; step < MIGRATIONS.length; step++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[step]);
      db.pragma(`user_version = ${step + 1}`);
    })();
  }
  return db;
}
