/**
 * Small helpers over the KV buckets the job layer uses: JSON values, and reading the current
 * value of every key matching some filters (a bounded scan, not a live watch).
 */
import type { NatsConnection } from "@nats-io/transport-node";
import { type JetStreamManager, jetstreamManager } from "@nats-io/jetstream";
import { type KV, Kvm } from "@nats-io/kv";
import { kvKeysWildcard, kvStream } from "../nats/subjects.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Encodes a value as JSON bytes. */
export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

/** Decodes JSON bytes; undefined when the bytes are not JSON. */
export function decodeJson<T>(bytes: Uint8Array): T | undefined {
  try {
    return JSON.parse(decoder.decode(bytes)) as T;
  } catch {
    return undefined;
  }
}

/** One live key of a bucket with its decoded JSON value. */
export interface StoredValue<T> {
  key: string;
  value: T;
  revision: number;
}

/** Opens an existing bucket (created by `ensureResources`) without trying to create it. */
export function openBucket(nc: NatsConnection, name: string): Promise<KV> {
  return new Kvm(nc).open(name, { bindOnly: true });
}

/** A lazily opened bucket, opened once and shared. */
export function lazyBucket(nc: NatsConnection, name: string): () => Promise<KV> {
  let p: Promise<KV> | undefined;
  return () => {
    p ??= openBucket(nc, name).catch((e) => {
      p = undefined;
      throw e;
    });
    return p;
  };
}

/**
 * The current JSON value of every key matching `filters` (KV key wildcards), skipping deleted
 * and purged keys and values that are not JSON. Ends once the bucket's present content is read.
 */
export async function scanJson<T>(
  kv: KV,
  filters: string | string[] = ">",
): Promise<StoredValue<T>[]> {
  if (Array.isArray(filters) && filters.length === 0) return [];
  const latest = new Map<string, StoredValue<T> | null>();
  const iter = await kv.history({ key: filters });
  for await (const e of iter) {
    if (e.operation !== "PUT") {
      latest.set(e.key, null);
      continue;
    }
    const value = decodeJson<T>(e.value);
    latest.set(e.key, value === undefined ? null : { key: e.key, value, revision: e.revision });
  }
  return [...latest.values()].filter((v): v is StoredValue<T> => v !== null);
}

/** A bucket opened for {@link latestJson}: the KV handle, its name and a JetStream manager. */
export interface DirectBucket {
  kv: KV;
  name: string;
  jsm: JetStreamManager;
}

/** A lazily opened {@link DirectBucket}, opened once and shared. */
export function lazyDirectBucket(nc: NatsConnection, name: string): () => Promise<DirectBucket> {
  const kv = lazyBucket(nc, name);
  let jsm: Promise<JetStreamManager> | undefined;
  return async () => {
    jsm ??= jetstreamManager(nc, { checkAPI: false });
    return { kv: await kv(), name, jsm: await jsm };
  };
}

/**
 * The current JSON value of every key, like {@link scanJson} over `>`, read with ONE batched
 * direct get of the last message per key (nats-server >= 2.11, buckets with allow_direct):
 * about ten times faster than the scan, which creates a consumer each time. Falls back to the
 * scan when the server cannot answer a batched get.
 */
export async function latestJson<T>(b: DirectBucket): Promise<StoredValue<T>[]> {
  const prefix = kvKeysWildcard(b.name).slice(0, -1);
  let out: StoredValue<T>[];
  try {
    const iter = await b.jsm.direct.getLastMessagesFor(kvStream(b.name), {
      multi_last: [kvKeysWildcard(b.name)],
    });
    out = [];
    for await (const m of iter) {
      const op = m.header?.get("KV-Operation");
      if (op === "DEL" || op === "PURGE") continue;
      const value = decodeJson<T>(m.data);
      if (value !== undefined) {
        out.push({ key: m.subject.slice(prefix.length), value, revision: m.seq });
      }
    }
  } catch {
    return scanJson<T>(b.kv, ">");
  }
  return out;
}

/** Reads one JSON value; undefined when the key is missing or deleted. */
export async function getJson<T>(kv: KV, key: string): Promise<T | undefined> {
  const e = await kv.get(key);
  if (!e || e.operation !== "PUT") return undefined;
  return decodeJson<T>(e.value);
}
