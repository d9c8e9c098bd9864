import { randomFillSync } from 'node:crypto';

/**
 * Time-ordered ids (UUIDv7, RFC 9562 section 5.7): 48-bit Unix milliseconds, then random bits.
 * Time order keeps B-tree inserts append-only, which is several times faster on SQLite and
 * PostgreSQL than random UUIDv4 keys.
 */
export type IdGenerator = () => string;

let lastMs = 0;
let seq = 0;

// Random bytes drawn 4 KiB at a time: a call to the generator per id cost more than the id's other work.
const pool = Buffer.alloc(4096);
let poolAt = pool.length;

/** The next 16 random bytes of the pool (a view: copy before changing them). */
function randomBits(): Buffer {
  if (poolAt + 16 > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  poolAt += 16;
  return pool.subarray(poolAt - 16, poolAt);
}

export const uuidv7: IdGenerator = () => {
  let ms = Date.now();
  if (ms <= lastMs) {
    // Same millisecond (or clock stepped back): keep ids monotonic within this process.
    ms = lastMs;
    seq = (seq + 1) & 0xfff;
    if (seq === 0) ms = ++lastMs;
  } else {
    seq = randomBits().readUInt16BE(0) & 0x7ff;
  }
  lastMs = ms;
  const bytes = Buffer.from(randomBits());
  bytes.writeUIntBE(ms, 0, 6);
  bytes[6] = 0x70 | (seq >> 8);
  bytes[7] = seq & 0xff;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
