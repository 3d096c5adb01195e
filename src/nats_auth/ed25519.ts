/**
 * Native ed25519 for NKeys: signing and verifying through the runtime's crypto (node:crypto)
 * instead of the pure-JavaScript implementation inside nkeys.js, which costs about 10 ms per
 * signature. The auth callout signs two JWTs and verifies one per connection, so this decides
 * how many connections per second it can authorize.
 */
import { Buffer } from "node:buffer";
import { createPrivateKey, createPublicKey, type KeyObject, sign, verify } from "node:crypto";
import type { KeyPair } from "@nats-io/nkeys";

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** Decodes RFC 4648 base32 without padding (the NKey text encoding). */
function base32Decode(text: string): Uint8Array {
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of text) {
    const v = BASE32.indexOf(ch);
    if (v < 0) throw new Error("not base32");
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return new Uint8Array(out);
}

const SPKI_PREFIX = Uint8Array.from([
  0x30,
  0x2a,
  0x30,
  0x05,
  0x06,
  0x03,
  0x2b,
  0x65,
  0x70,
  0x03,
  0x21,
  0x00,
]);
const PKCS8_PREFIX = Uint8Array.from([
  0x30,
  0x2e,
  0x02,
  0x01,
  0x00,
  0x30,
  0x05,
  0x06,
  0x03,
  0x2b,
  0x65,
  0x70,
  0x04,
  0x22,
  0x04,
  0x20,
]);

const concat = (a: Uint8Array, b: Uint8Array) => Buffer.concat([a, b]);

const publicKeys = new Map<string, KeyObject>();

/**
 * The key object of an NKey public key (`N...`, `A...`, `U...`, `O...`): 1 prefix byte, 32 key
 * bytes, 2 CRC bytes. Call only with keys already checked by nkeys (CRC, prefix).
 */
function publicKeyObject(publicKey: string): KeyObject {
  let key = publicKeys.get(publicKey);
  if (!key) {
    const raw = base32Decode(publicKey).subarray(1, 33);
    key = createPublicKey({ key: concat(SPKI_PREFIX, raw), format: "der", type: "spki" });
    if (publicKeys.size >= 1024) publicKeys.clear();
    publicKeys.set(publicKey, key);
  }
  return key;
}

/** Verifies `sig` over `data` by the (already checked) NKey public key `publicKey`. */
export function verifyNkey(publicKey: string, data: Uint8Array, sig: Uint8Array): boolean {
  try {
    return verify(null, data, publicKeyObject(publicKey), sig);
  } catch {
    return false;
  }
}

/**
 * A key pair that signs and verifies with native ed25519 and derives its public and private key
 * once; everything else (seed, curve sealing) is the original pair's. A pair whose seed cannot
 * be read is returned as is.
 */
export function nativeSigner(pair: KeyPair): KeyPair {
  let privateKey: KeyObject;
  try {
    // seed text: 2 prefix bytes, the 32-byte ed25519 seed, 2 CRC bytes
    const seed = base32Decode(new TextDecoder().decode(pair.getSeed())).subarray(2, 34);
    privateKey = createPrivateKey({
      key: concat(PKCS8_PREFIX, seed),
      format: "der",
      type: "pkcs8",
    });
  } catch {
    return pair;
  }
  // nkeys.js derives the public and private key from the seed on every call (~5 ms each)
  const publicKey = pair.getPublicKey();
  let privateText: Uint8Array | undefined;
  return new Proxy(pair, {
    get(target, prop, receiver) {
      if (prop === "getPublicKey") return () => publicKey;
      if (prop === "getPrivateKey") return () => (privateText ??= target.getPrivateKey());
      if (prop === "sign") {
        return (data: Uint8Array) => new Uint8Array(sign(null, data, privateKey));
      }
      if (prop === "verify") {
        return (data: Uint8Array, sig: Uint8Array) => verifyNkey(publicKey, data, sig);
      }
      const v = Reflect.get(target, prop, receiver);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}
