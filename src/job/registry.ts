/**
 * The worker registry: each worker keeps a {@link WorkerInfo} under its sanitised host name in
 * the registry bucket by heartbeating; readers treat entries older than the TTL as gone.
 */
import type { NatsConnection } from "@nats-io/transport-node";
import type { KV } from "@nats-io/kv";
import { sanitizeToken } from "../core/targets.ts";
import type { SubjectRouter } from "../nats/subjects.ts";
import type { WorkerInfo } from "../core/job.ts";
import { type DirectBucket, encodeJson, latestJson, lazyDirectBucket } from "./store.ts";

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

  /** Writes (or refreshes) a worker's entry. */
  async put(info: WorkerInfo): Promise<void> {
    await (await this.#kv()).put(registryKey(info.hostname), encodeJson(info));
  }

  /** Removes a worker's entry (clean shutdown). */
  async remove(hostname: string): Promise<void> {
    await (await this.#kv()).purge(registryKey(hostname));
  }

  /**
   * Workers that beat within the TTL, sorted by host name. Read on every job submission, so it
   * uses one batched direct get rather than a consumer scan.
   */
  async live(now = Date.now()): Promise<WorkerInfo[]> {
    const entries = await latestJson<WorkerInfo>(await this.#bucket());
    return entries
      .map((e) => e.value)
      .filter((w) => {
        const seen = Date.parse(w.last_seen);
        return Number.isFinite(seen) && now - seen <= this.ttlMs;
      })
      .sort((a, b) => a.hostname.localeCompare(b.hostname));
  }
}
