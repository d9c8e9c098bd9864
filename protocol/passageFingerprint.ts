import { createHash } from 'node:crypto';

/**
 * The fingerprint of a journaled passage (docs/protocol.md, "Journal days"): the first 64 bits,
 * as 16 hex digits, of SHA-256 over the record's canonical JSON without its `id` and `laneSeq`.
 * The lane computes it when it journals the passage and the gateway from the row it stored, so
 * settlement names a record whose content differs (ALTERED) and two sequence numbers holding the
 * same passage (DUPLICATE). 64 bits keep the chance that two of a day's 50,000 passages of a lane
 * share one by accident below one in ten billion.
 */
export const FINGERPRINT_PATTERN = /^[0-9a-f]{16}$/;

/** JSON with object keys sorted at every depth and undefined members left out. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, member]) => member !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`).join(',')}}`;
}

export function passageFingerprint(record: { id: string; laneSeq: number } & Record<string, unknown>): string {
  const { id: _id, laneSeq: _laneSeq, ...content } = record;
  return createHash('sha256').update(canonicalJson(content)).digest('hex').slice(0, 16);
}
