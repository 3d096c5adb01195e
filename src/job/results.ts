/**
 * The fast path for results: the worker publishes each host result on the job's core NATS
 * result subject; the submitter subscribes to it before publishing the job and collects results
 * until every expected host answered, a quiet period passed, or the timeout.
 */
import type { NatsConnection, Subscription } from "@nats-io/transport-node";
import { sanitizeToken, type SubjectRouter } from "../nats/subjects.ts";
import type { HostResult } from "./types.ts";
import { decodeJson, encodeJson } from "./store.ts";

/** Publishes one host result on the fast path (after it was stored durably). */
export function publishResult(
  nc: NatsConnection,
  router: SubjectRouter,
  jobId: string,
  result: HostResult,
): void {
  nc.publish(router.result(jobId), encodeJson(result));
}

/** When collection ends. */
export interface CollectOptions {
  /**
   * Hosts expected to answer (broadcasts): collection ends when all answered or after
   * `quietMs` without a new result. Absent: the first result ends it (`_any`, a host).
   */
  expectedHosts?: string[];
  quietMs: number;
  timeoutMs: number;
}

/** A subscription to one job's result subject; {@link collect} waits for the results. */
export class ResultWaiter {
  readonly #sub: Subscription;
  readonly #results = new Map<string, HostResult>();
  #wake: () => void = () => {};

  /**
   * Subscribes now (before the job is published). `max`: results after which the server drops
   * the subscription by itself (1 for `_any` and host jobs: no unsubscribe round trip later).
   */
  constructor(nc: NatsConnection, router: SubjectRouter, jobId: string, max?: number) {
    this.#sub = nc.subscribe(router.result(jobId), {
      ...(max !== undefined ? { max } : {}),
      callback: (err, msg) => {
        if (err) return;
        const r = decodeJson<HostResult>(msg.data);
        if (!r || typeof r.hostname !== "string") return;
        this.#results.set(sanitizeToken(r.hostname, "host name"), r);
        this.#wake();
      },
    });
  }

  /** Waits as `opts` says and returns the results received, sorted by host name. */
  async collect(opts: CollectOptions): Promise<HostResult[]> {
    const deadline = Date.now() + opts.timeoutMs;
    const expected = opts.expectedHosts?.map((h) => sanitizeToken(h, "host name"));
    let lastCount = -1;
    let quietUntil = Infinity;
    try {
      while (true) {
        const n = this.#results.size;
        if (n > 0 && !expected) break;
        if (expected && expected.every((h) => this.#results.has(h))) break;
        if (n !== lastCount && n > 0) {
          lastCount = n;
          quietUntil = Date.now() + opts.quietMs;
        }
        const wait = Math.min(deadline, quietUntil) - Date.now();
        if (wait <= 0) break;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, wait);
          this.#wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.#wake = () => {};
      }
    } finally {
      this.close();
    }
    return [...this.#results.values()].sort((a, b) => a.hostname.localeCompare(b.hostname));
  }

  /** Stops listening. */
  close(): void {
    if (!this.#sub.isClosed()) this.#sub.unsubscribe();
  }
}
