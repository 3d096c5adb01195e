/**
 * NATS NKeys: generating operator, account, user and curve (xkey) key pairs, and reading and
 * writing their seed files (always 0600). Errors name the file and the problem, never the seed.
 */
import {
  createAccount,
  createCurve,
  createOperator,
  createUser,
  fromPublic,
  fromSeed,
  type KeyPair,
} from "@nats-io/nkeys";
import { writeSecretFile } from "../config/paths.ts";
import { describeFsError } from "../nats/auth_options.ts";
import { OsapiError } from "../core/errors.ts";

export type { KeyPair };

/** The kinds of NKey osapi generates. */
export const KEY_TYPES = ["operator", "account", "user", "curve"] as const;
/** One of {@link KEY_TYPES}. */
export type KeyType = typeof KEY_TYPES[number];

/** Public key prefix letter of each key type (seeds start with `S` + this letter). */
export const KEY_PREFIX: Record<KeyType, string> = {
  operator: "O",
  account: "A",
  user: "U",
  curve: "X",
};

/** A key, seed or seed file that cannot be used; the message never contains the seed. */
export class NatsKeyError extends OsapiError {
  constructor(message: string, options?: ErrorOptions) {
    super("nats_auth.key", message, options);
  }
}

/** A generated key: its public key and its seed (the secret). */
export interface GeneratedKey {
  type: KeyType;
  publicKey: string;
  seed: string;
  pair: KeyPair;
}

const CREATORS: Record<KeyType, () => KeyPair> = {
  operator: createOperator,
  account: createAccount,
  user: createUser,
  curve: createCurve,
};

const SEED_LINE = /^S[OAUX][A-Z2-7]{56}$/;
const PUBLIC_KEY = /^[OAUXN][A-Z2-7]{55}$/;

/** Checks that `text` names a key type. */
export function parseKeyType(text: string): KeyType {
  if ((KEY_TYPES as readonly string[]).includes(text)) return text as KeyType;
  throw new NatsKeyError(
    `invalid key type ${JSON.stringify(text)}: expected one of ${KEY_TYPES.join(", ")}`,
  );
}

/** Generates a fresh key pair of `type`. */
export function generateKey(type: KeyType): GeneratedKey {
  const pair = CREATORS[type]();
  return { type, pair, publicKey: pair.getPublicKey(), seed: seedOf(pair) };
}

/** The seed text of a key pair. */
export function seedOf(pair: KeyPair): string {
  return new TextDecoder().decode(pair.getSeed());
}

/** The key type of a public key or seed, by its prefix letter. */
export function keyTypeOf(key: string): KeyType | undefined {
  const letter = key.startsWith("S") ? key[1] : key[0];
  return KEY_TYPES.find((t) => KEY_PREFIX[t] === letter);
}

const an = (
  word: string,
) => (/^(account|operator|unknown)/.test(word) ? `an ${word}` : `a ${word}`);

/** A key pair from a seed string; `expected` restricts the type. `what` names it in errors. */
export function pairFromSeed(seed: string, expected?: KeyType, what = "seed"): KeyPair {
  const s = seed.trim();
  if (!SEED_LINE.test(s)) {
    throw new NatsKeyError(`${what}: not an NKey seed (expected 58 characters starting with S)`);
  }
  const type = keyTypeOf(s);
  if (expected && type !== expected) {
    throw new NatsKeyError(
      `${what}: is ${an(type ?? "unknown")} seed, expected ${an(expected)} seed (S${
        KEY_PREFIX[expected]
      }...)`,
    );
  }
  try {
    return fromSeed(new TextEncoder().encode(s));
  } catch {
    throw new NatsKeyError(`${what}: invalid NKey seed (bad checksum or encoding)`);
  }
}

/** Checks a public key (optionally of one type) and returns it. */
export function checkPublicKey(key: string, expected?: KeyType, what = "public key"): string {
  const k = key.trim();
  let ok = PUBLIC_KEY.test(k);
  if (ok) {
    try {
      fromPublic(k);
    } catch {
      ok = false;
    }
  }
  if (!ok) {
    throw new NatsKeyError(`${what} ${JSON.stringify(k)}: not an NKey public key`);
  }
  if (expected && keyTypeOf(k) !== expected) {
    throw new NatsKeyError(
      `${what} ${JSON.stringify(k)}: expected ${an(expected)} public key (starts with ${
        KEY_PREFIX[expected]
      })`,
    );
  }
  return k;
}

/** The text of a seed file: the seed line, as `nk -gen` and nsc write it. */
export function formatSeedFile(seed: string): string {
  return `${seed}\n`;
}

/** Writes a seed file with mode 0600 (atomically). */
export async function writeSeedFile(path: string, seed: string): Promise<void> {
  await writeSecretFile(path, formatSeedFile(seed));
}

/** Generates a key and writes its seed to `path` (0600); returns the key. */
export async function generateKeyFile(type: KeyType, path: string): Promise<GeneratedKey> {
  const key = generateKey(type);
  await writeSeedFile(path, key.seed);
  return key;
}

/** Extracts the seed from seed file text (first line that looks like a seed; comments skipped). */
export function parseSeedText(text: string, expected?: KeyType, what = "seed file"): KeyPair {
  const line = text.split(/\r?\n/).map((l) => l.trim()).find((l) => SEED_LINE.test(l));
  if (!line) {
    throw new NatsKeyError(`${what}: no NKey seed found (expected a line starting with S)`);
  }
  return pairFromSeed(line, expected, what);
}

/** Reads a seed file and returns its key pair; `expected` restricts the type. */
export async function readSeedFile(path: string, expected?: KeyType): Promise<KeyPair> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    throw new NatsKeyError(`seed file ${path}: ${describeFsError(e)}`, { cause: e });
  }
  return parseSeedText(text, expected, `seed file ${path}`);
}
