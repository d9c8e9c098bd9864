import type { TrustChange } from '../../protocol/laneApi.js';
import type { LaneDatabase } from '../journal/laneDatabase.js';
import { issuerKeyFromText, vehicleOfChange, type TrustCopy } from './trustCopy.js';

interface KeyRow {
  key_id: number;
  algorithm: string;
  public_key: string;
  valid_from_s: number;
  valid_until_s: number;
  revoked: number;
}

/**
 * The trust copy in the lane's SQLite file, so that a lane restarted while the gateway is down
 * still knows its keys, its deny list and how old they are.
 */
export class TrustPersistence {
  private readonly statements;
  private readonly applyTx;

  constructor(private readonly db: LaneDatabase) {
    this.statements = {
      keys: db.prepare('SELECT * FROM trust_keys'),
      denied: db.prepare('SELECT token_id, reason FROM trust_denied'),
      meta: db.prepare('SELECT value FROM lane_meta WHERE key = ?'),
      setMeta: db.prepare('INSERT INTO lane_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      addKey: db.prepare(
        `INSERT INTO trust_keys (key_id, algorithm, public_key, valid_from_s, valid_until_s, revoked) VALUES (?, ?, ?, ?, ?, 0)
         ON CONFLICT (key_id) DO UPDATE SET algorithm = excluded.algorithm, public_key = excluded.public_key,
           valid_from_s = excluded.valid_from_s, valid_until_s = excluded.valid_until_s, revoked = 0`,
      ),
      revokeKey: db.prepare('UPDATE trust_keys SET revoked = 1 WHERE key_id = ?'),
      deny: db.prepare('INSERT INTO trust_denied (token_id, reason) VALUES (?, ?) ON CONFLICT (token_id) DO UPDATE SET reason = excluded.reason'),
      undeny: db.prepare('DELETE FROM trust_denied WHERE token_id = ?'),
      vehicles: db.prepare('SELECT token_id, tag_id, plate, vehicle_class FROM trust_vehicles'),
      addVehicle: db.prepare(
        `INSERT INTO trust_vehicles (token_id, tag_id, plate, vehicle_class) VALUES (?, ?, ?, ?)
         ON CONFLICT (token_id) DO UPDATE SET tag_id = excluded.tag_id, plate = excluded.plate, vehicle_class = excluded.vehicle_class`,
      ),
      removeVehicle: db.prepare('DELETE FROM trust_vehicles WHERE token_id = ?'),
    };
    this.applyTx = db.transaction((changes: TrustChange[], version: number) => {
      for (const change of changes) this.write(change);
      this.statements.setMeta.run('trust_version', String(version));
    });
  }

  /** Fill a trust copy from the file; returns when the lane last confirmed it was current (or null). */
  loadInto(copy: TrustCopy): number | null {
    const keys = (this.statements.keys.all() as KeyRow[]).map((row) =>
      issuerKeyFromText(row.key_id, row.algorithm, row.public_key, row.valid_from_s, row.valid_until_s, row.revoked === 1),
    );
    const denied = (this.statements.denied.all() as { token_id: string; reason: string }[]).map((row) => ({ tokenId: row.token_id, reason: row.reason }));
    const vehicles = (this.statements.vehicles.all() as { token_id: string; tag_id: string | null; plate: string; vehicle_class: string }[]).map((row) => ({
      tokenId: row.token_id,
      tagId: row.tag_id,
      plate: row.plate,
      vehicleClass: row.vehicle_class,
    }));
    copy.load(Number(this.meta('trust_version') ?? 0), keys, denied, vehicles);
    const confirmed = this.meta('trust_confirmed_at');
    return confirmed === undefined ? null : Number(confirmed);
  }

  /** Persist changes already applied to the copy, and the version they reached, in one transaction. */
  saveChanges(changes: TrustChange[], version: number): void {
    this.applyTx(changes, version);
  }

  saveConfirmedAt(at: number): void {
    this.statements.setMeta.run('trust_confirmed_at', String(at));
  }

  private meta(key: string): string | undefined {
    return (this.statements.meta.get(key) as { value: string } | undefined)?.value;
  }

  private write(change: TrustChange): void {
    switch (change.kind) {
      case 'key.add':
        this.statements.addKey.run(change.keyId, change.algorithm, change.publicKey, change.validFromS, change.validUntilS);
        break;
      case 'key.revoke':
        this.statements.revokeKey.run(change.keyId);
        break;
      case 'deny.add':
        this.statements.deny.run(change.tokenId, change.reason);
        break;
      case 'deny.remove':
        this.statements.undeny.run(change.tokenId);
        break;
      case 'vehicle.add': {
        const vehicle = vehicleOfChange(change);
        this.statements.addVehicle.run(vehicle.tokenId, vehicle.tagId, vehicle.plate, vehicle.vehicleClass);
        break;
      }
      case 'vehicle.remove':
        this.statements.removeVehicle.run(change.tokenId);
        break;
    }
  }
}
