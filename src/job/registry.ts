/**
 * The worker registry: each worker keeps a {@link WorkerInfo} under its sanitised host name in
 * the registry bucket by heartbeating, and its facts and conditions under `facts.<host>` (read
 * only by the agent views, so that resolving a job's target reads small entries); readers treat
 * entries older than the TTL as gone.
 */
import type { NatsConnection } from "@nats-io/transport-node";
import type { KV } from "@nats-io/kv";
import { sanitizeToken } from "../core/targets.ts";
import type { SubjectRouter } from "../nats/subjects.ts";
import type { WorkerInfo } from "../core/job.ts";
import { type DirectBucket, encodeJson, latestJson, lazyDirectBucket } from "./store.ts";

const FACTS_PREFIX = "facts.";

/** The registry key of a host's facts (`facts.<host>`). */
export function factsKey(hostKey: string): string {
  return `${FACTS_PREFIX}${hostKey}`;
}

/** The registry key of a host. */
export function registryKey(hostname: string): string {
  return sanitizeToken(hostname, "host name");
}

/** Reads and writes the worker registry of one namespace. */
export class WorkerRegistry {
  readonly #bucket: () => Promise<DirectBucket>;

  /** `ttlMs`: entries whose `last_seen` is older than this are ignored (nats.registry.ttl). */
  constructor(nc: NatsConnection, router: SubjectRouter, readonly ttlMs: number) {
    this.#bucket = lazyDirectBucket(nc, router.registryBucket);
  }

  async #kv(): Promise<KV> {
    return (await this.#bucket()).kv;
  }

  /** Writes (or refreshes) a worker's entry, and its facts entry when it has facts. */
  async put(info: WorkerInfo): Promise<void> {
    const { facts, conditions, ...entry } = info;
    const kv = await this.#kv();
    const key = registryKey(info.hostname);
    await Promise.all([
      kv.put(key, encodeJson(entry)),
      ...(facts ? [kv.put(factsKey(key), encodeJson({ facts, conditions }))] : []),
    ]);
  }

  /** Removes a worker's entries (clean shutdown). */
  async remove(hostname: string): Promise<void> {
    const kv = await this.#kv();
    const key = registryKey(hostname);
    await Promise.all([kv.purge(key), kv.purge(factsKey(key))]);
  }

  /** Like {@link live}, with each worker's facts and conditions. */
  async liveWithFacts(now = Date.now()): Promise<WorkerInfo[]> {
    const entries = await latestJson<unknown>(await this.#bucket());
    const facts = new Map(
      entries.filter((e) => e.key.startsWith(FACTS_PREFIX))
        .map((e) => [e.key.slice(FACTS_PREFIX.length), e.value as Partial<WorkerInfo>]),
    );
    return this.#fresh(
      entries.filter((e) => !e.key.startsWith(FACTS_PREFIX)).map((e) => e.value as WorkerInfo),
      now,
    ).map((w) => ({ ...w, ...facts.get(registryKey(w.hostname)) }));
  }

  /**
   * Workers that beat within the TTL, sorted by host name. Read on every job submission, so it
   * uses one batched direct get rather than a consumer scan.
   */
  async live(now = Date.now()): Promise<WorkerInfo[]> {
    const entries = await latestJson<WorkerInfo>(await this.#bucket(), "*"); // no facts.<host>
    return this.#fresh(entries.map((e) => e.value), now);
  }

  #fresh(workers: WorkerInfo[], now: number): WorkerInfo[] {
    return workers
      .filter((w) => {
        const seen = Date.parse(w.last_seen);
        return Number.isFinite(seen) && now - seen <= this.ttlMs;
      })
      .sort((a, b) => a.hostname.localeCompare(b.hostname));
  }
}
