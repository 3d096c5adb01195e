/**
 * Small helpers over the KV buckets the job layer uses: JSON values, and reading the current
 * value of every key matching some filters (a bounded scan, not a live watch).
 */
import type { NatsConnection } from "@nats-io/transport-node";
import { type KV, Kvm } from "@nats-io/kv";

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

/** Reads one JSON value; undefined when the key is missing or deleted. */
export async function getJson<T>(kv: KV, key: string): Promise<T | undefined> {
  const e = await kv.get(key);
  if (!e || e.operation !== "PUT") return undefined;
  return decodeJson<T>(e.value);
}
