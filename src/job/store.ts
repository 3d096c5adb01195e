/**
 * Small helpers over the KV buckets the job layer and the API use: JSON values, and reading the
 * current value of every key matching some filters with batched direct gets (a bounded read, not
 * a live watch). Nothing here creates a consumer: nats-server does not check a push consumer's
 * `deliver_subject` against permissions, so the API's NATS users get no consumer rights at all.
 */
import type { NatsConnection } from "@nats-io/transport-node";
import {
  type DirectBatchOptions,
  type DirectLastFor,
  JetStreamError,
  type JetStreamManager,
  jetstreamManager,
  type StoredMsg,
} from "@nats-io/jetstream";
import { type KV, Kvm } from "@nats-io/kv";
import { kvKeySubject, kvKeysWildcard, kvStream } from "../nats/subjects.ts";
import { OsapiError } from "../core/errors.ts";

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
    requireBatchDirectGet(nc, name);
    jsm ??= jetstreamManager(nc, { checkAPI: false });
    return { kv: await kv(), name, jsm: await jsm };
  };
}

/** Batched direct gets need nats-server >= 2.11: a clear error naming the bucket otherwise. */
function requireBatchDirectGet(nc: NatsConnection, bucket: string): void {
  // no server info without a connection: the request itself reports why
  if (nc.info === undefined || nc.isClosed()) return;
  const version = nc.info.version ?? "";
  const [major, minor] = version.split(".").map(Number);
  if (major > 2 || (major === 2 && minor >= 11)) return;
  throw new OsapiError(
    "job.store_unsupported",
    `reading bucket ${bucket} needs nats-server >= 2.11 (batched direct get); the server is ` +
      (version || "of an unknown version"),
  );
}

/**
 * Messages and bytes asked for per batched direct get. Without `max_bytes` the server fills a
 * batch up to the connection's max pending bytes, the same limit that makes it drop a slow
 * consumer, so a page is kept well below it.
 */
const DIRECT_BATCH = { batch: 1024, max_bytes: 8 * 1024 * 1024 };

/** The HTTP-like status code of a JetStream status error (404 no results, 413 too many). */
const statusCode = (e: unknown): number | undefined =>
  e instanceof JetStreamError && typeof (e as { code?: unknown }).code === "number"
    ? (e as JetStreamError & { code: number }).code
    : undefined;

/** The latest message per key (a delete or purge marker too): the highest sequence wins. */
type Latest = Map<string, StoredMsg>;

/**
 * Sends batched direct gets (`request(from)`, from stream sequence `from` on) until the server
 * has nothing pending, visiting every message. No consumer is created: the caller needs only
 * `$JS.API.DIRECT.GET.<stream>` (nats-server >= 2.11 answers batched direct gets).
 */
async function directPages(
  b: DirectBucket,
  request: (from: number) => DirectBatchOptions | DirectLastFor,
  visit: (m: StoredMsg) => void,
): Promise<void> {
  const stream = kvStream(b.name);
  for (let from = 0;;) {
    let last: StoredMsg | undefined;
    try {
      const req = request(from);
      const iter = "multi_last" in req
        ? await b.jsm.direct.getLastMessagesFor(stream, req)
        : await b.jsm.direct.getBatch(stream, req);
      for await (const m of iter) {
        visit(m);
        last = m;
      }
    } catch (e) {
      if (statusCode(e) === 404) return; // nothing (more) matches
      throw e;
    }
    // the server says how many matching messages remain after each one it sent
    if (!last || last.pending <= 0) return;
    from = last.seq + 1;
  }
}

/**
 * The latest message of every key matching `filters` (KV key wildcards), read with batched
 * direct gets only. Several filters: one `multi_last` get (at most 1024 matching keys, the
 * server's limit); one filter, or more keys than that: a walk of each filter's messages in
 * stream order (`next_by_subj`), the latest revision of a key winning.
 */
async function latestMessages(b: DirectBucket, filters: string[]): Promise<Latest> {
  const prefix = kvKeysWildcard(b.name).slice(0, -1);
  const latest: Latest = new Map();
  const visit = (m: StoredMsg) => {
    const key = m.subject.slice(prefix.length);
    if ((latest.get(key)?.seq ?? 0) < m.seq) latest.set(key, m);
  };
  const subjects = filters.map((f) => kvKeySubject(b.name, f));
  if (subjects.length > 1) {
    try {
      await directPages(b, (seq) => {
        const req: DirectLastFor & { seq?: number } = { multi_last: subjects, ...DIRECT_BATCH };
        if (seq > 0) req.seq = seq;
        return req;
      }, visit);
      return latest;
    } catch (e) {
      if (statusCode(e) !== 413) throw e; // too many keys for one multi_last: walk instead
      latest.clear();
    }
  }
  await Promise.all(subjects.map((subject) =>
    directPages(
      b,
      (seq) => ({ seq, next_by_subj: subject, ...DIRECT_BATCH }),
      visit,
    )
  ));
  return latest;
}

/**
 * The current JSON value of every key matching `filters` (KV key wildcards, default every key),
 * skipping deleted and purged keys and values that are not JSON. Read with batched direct gets
 * (nats-server >= 2.11, buckets with allow_direct), paged until the server has sent everything
 * that was there: no consumer is created, so readers need no consumer rights on the bucket.
 */
export async function latestJson<T>(
  b: DirectBucket,
  filters: string | string[] = ">",
): Promise<StoredValue<T>[]> {
  const list = Array.isArray(filters) ? filters : [filters];
  if (list.length === 0) return [];
  const out: StoredValue<T>[] = [];
  for (const [key, m] of await latestMessages(b, list)) {
    const op = m.header?.get("KV-Operation");
    if (op === "DEL" || op === "PURGE") continue;
    const value = decodeJson<T>(m.data);
    if (value !== undefined) out.push({ key, value, revision: m.seq });
  }
  return out;
}

/** Reads one JSON value; undefined when the key is missing or deleted. */
export async function getJson<T>(kv: KV, key: string): Promise<T | undefined> {
  const e = await kv.get(key);
  if (!e || e.operation !== "PUT") return undefined;
  return decodeJson<T>(e.value);
}
