/**
 * The fast path for results: the worker publishes each host result on the job's core NATS
 * result subject; the submitter listens for it before publishing the job and collects results
 * until every expected host answered, a quiet period passed, or the timeout.
 */
import type { NatsConnection } from "@nats-io/transport-node";
import { sanitizeToken } from "../core/targets.ts";
import type { SubjectRouter } from "../nats/subjects.ts";
import type { HostResult } from "../core/job.ts";
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

/**
 * ONE subscription per connection and namespace to every result subject of the namespace,
 * handing each result to the waiter of its job (results nobody here waits for are dropped
 * undecoded). This saves a subscribe and an unsubscribe per job, and the server's subscription
 * churn; the price is that every API process of a namespace receives every result.
 */
class ResultInbox {
  readonly #waiting = new Map<string, (r: HostResult) => void>();

  constructor(nc: NatsConnection, router: SubjectRouter) {
    nc.subscribe(router.resultsWildcard(), {
      callback: (err, msg) => {
        if (err) return;
        const deliver = this.#waiting.get(msg.subject);
        if (!deliver) return;
        const r = decodeJson<HostResult>(msg.data);
        if (r && typeof r.hostname === "string") deliver(r);
      },
    });
  }

  /** Delivers the results published on `subject` to `deliver` until {@link remove}. */
  add(subject: string, deliver: (r: HostResult) => void): void {
    this.#waiting.set(subject, deliver);
  }

  remove(subject: string): void {
    this.#waiting.delete(subject);
  }
}

const inboxes = new WeakMap<NatsConnection, Map<string, ResultInbox>>();

function inboxFor(nc: NatsConnection, router: SubjectRouter): ResultInbox {
  let byNamespace = inboxes.get(nc);
  if (!byNamespace) inboxes.set(nc, byNamespace = new Map());
  const key = router.resultsWildcard();
  let inbox = byNamespace.get(key);
  if (!inbox) byNamespace.set(key, inbox = new ResultInbox(nc, router));
  return inbox;
}

/** Listens for one job's results; {@link collect} waits for them. */
export class ResultWaiter {
  readonly #inbox: ResultInbox;
  readonly #subject: string;
  readonly #results = new Map<string, HostResult>();
  #wake: () => void = () => {};

  /** Listens from now on (before the job is published). */
  constructor(nc: NatsConnection, router: SubjectRouter, jobId: string) {
    this.#inbox = inboxFor(nc, router);
    this.#subject = router.result(jobId);
    this.#inbox.add(this.#subject, (r) => {
      this.#results.set(sanitizeToken(r.hostname, "host name"), r);
      this.#wake();
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
    this.#inbox.remove(this.#subject);
  }
}
