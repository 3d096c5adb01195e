/** Job ids: UUID v7 (time-ordered), monotonic within one process. */

let lastMs = 0;
let seq = 0;

const hex = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

/**
 * A new UUID v7: 48-bit millisecond time, version 7, a 12-bit sequence (so ids made in the same
 * millisecond still sort in creation order), the RFC 9562 variant and 62 random bits.
 */
export function uuidv7(now = Date.now()): string {
  let ms = Math.max(now, lastMs);
  if (ms === lastMs) {
    seq++;
    if (seq > 0xfff) {
      ms++;
      seq = 0;
    }
  } else {
    seq = crypto.getRandomValues(new Uint16Array(1))[0] & 0x3ff; // leave room to count up
  }
  lastMs = ms;
  const b = crypto.getRandomValues(new Uint8Array(16));
  for (let i = 5; i >= 0; i--) {
    b[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  b[6] = 0x70 | (seq >> 8);
  b[7] = seq & 0xff;
  b[8] = 0x80 | (b[8] & 0x3f);
  const h = hex(b);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Whether `id` is a lower-case hyphenated UUID (any version), as job ids are. */
export function isJobId(id: string): boolean {
  return UUID.test(id);
}

/** The creation time (ms since the epoch) encoded in a UUID v7. */
export function uuidv7Time(id: string): number {
  return parseInt(id.replaceAll("-", "").slice(0, 12), 16);
}
