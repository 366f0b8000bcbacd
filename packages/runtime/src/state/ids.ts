import { randomFillSync } from "node:crypto";

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));
/** Random bytes are drawn in batches: one `randomFillSync` per 409 ids instead of one per id. */
const POOL_SIZE = 4096;
const BYTES_PER_ID = 10;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let poolOffset = POOL_SIZE;
let lastMs = -1;
let sequence = 0;

/**
 * A new UUIDv7 string (RFC 9562): 48-bit Unix milliseconds, then random bits. Ids made within the
 * same millisecond use a 12-bit sequence in `rand_a`, so ids of one process sort by creation.
 *
 * @example
 * ```ts
 * newId(); // "0192f4c1-7a2b-7c3d-8e4f-0123456789ab"
 * ```
 */
export function newId(): string {
  let ms = Date.now();
  if (ms <= lastMs) {
    sequence++;
    if (sequence > 0xfff) {
      // 4096 ids in one millisecond: borrow the next millisecond rather than repeat a sequence.
      lastMs++;
      sequence = 0;
    }
    ms = lastMs;
  } else {
    lastMs = ms;
    sequence = 0;
  }
  if (poolOffset + BYTES_PER_ID > POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const r = poolOffset;
  poolOffset += BYTES_PER_ID;
  const high = Math.floor(ms / 0x1000000);
  const low = ms % 0x1000000;
  return (
    HEX[(high >>> 16) & 0xff]! +
    HEX[(high >>> 8) & 0xff]! +
    HEX[high & 0xff]! +
    HEX[(low >>> 16) & 0xff]! +
    "-" +
    HEX[(low >>> 8) & 0xff]! +
    HEX[low & 0xff]! +
    "-" +
    HEX[0x70 | (sequence >>> 8)]! +
    HEX[sequence & 0xff]! +
    "-" +
    HEX[0x80 | (pool[r]! & 0x3f)]! +
    HEX[pool[r + 1]!]! +
    "-" +
    HEX[pool[r + 2]!]! +
    HEX[pool[r + 3]!]! +
    HEX[pool[r + 4]!]! +
    HEX[pool[r + 5]!]! +
    HEX[pool[r + 6]!]! +
    HEX[pool[r + 7]!]!
  );
}
