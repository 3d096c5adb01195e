/**
 * SHA-512 crypt (`$6$salt$hash`, Ulrich Drepper's specification, 5000 rounds), as glibc's
 * crypt(3), `openssl passwd -6` and `chpasswd` make it. Uses only Web Crypto.
 */

const ITOA64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const ROUNDS = 5000;

const sha512 = async (...parts: Uint8Array[]): Promise<Uint8Array> => {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return new Uint8Array(await crypto.subtle.digest("SHA-512", all));
};

/** `digest` repeated (and cut) to `length` bytes. */
function stretch(digest: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = digest[i % 64];
  return out;
}

/** `bytes` repeated `times` times. */
function repeat(bytes: Uint8Array, times: number): Uint8Array {
  const out = new Uint8Array(bytes.length * times);
  for (let i = 0; i < times; i++) out.set(bytes, i * bytes.length);
  return out;
}

/** The byte triples of the final digest, in the order the encoding takes them. */
const ORDER = Array.from(
  { length: 21 },
  (_, i) => [(i * 22) % 63, (i * 22 + 21) % 63, (i * 22 + 42) % 63],
);

/** A random salt of 16 characters of the crypt alphabet. */
export function randomSalt(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => ITOA64[b & 63]).join("");
}

/** The SHA-512 crypt hash of `password` with `salt` (at most 16 characters are used). */
export async function sha512Crypt(password: string, salt = randomSalt()): Promise<string> {
  const enc = new TextEncoder();
  const p = enc.encode(password);
  const s = enc.encode(salt.slice(0, 16));
  const b = await sha512(p, s, p);
  const aParts: Uint8Array[] = [p, s, stretch(b, p.length)];
  for (let n = p.length; n > 0; n >>= 1) aParts.push(n & 1 ? b : p);
  let c = await sha512(...aParts);
  const pBytes = stretch(await sha512(repeat(p, p.length)), p.length);
  const sBytes = stretch(await sha512(repeat(s, 16 + c[0])), s.length);
  for (let i = 0; i < ROUNDS; i++) {
    const parts: Uint8Array[] = [i & 1 ? pBytes : c];
    if (i % 3 !== 0) parts.push(sBytes);
    if (i % 7 !== 0) parts.push(pBytes);
    parts.push(i & 1 ? c : pBytes);
    c = await sha512(...parts);
  }
  let out = "";
  const emit = (w: number, n: number) => {
    for (let k = 0; k < n; k++, w >>= 6) out += ITOA64[w & 63];
  };
  for (const [x, y, z] of ORDER) emit((c[x] << 16) | (c[y] << 8) | c[z], 4);
  emit(c[63], 2);
  return `$6$${new TextDecoder().decode(s)}$${out}`;
}
