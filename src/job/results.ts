/**
 * The fast path for results: the worker publishes each host result on the job's core NATS
 * result subject; the submitter listens for it before publishing the job and collects results
 * until every expected host answered, a quiet period passed, or the timeout.
 */
import type { NatsConnection } from "@nats-io/transport-node";
import { delay } from "@nats-io/nats-core";
import { errorMessage, OsapiError } from "../core/errors.ts";
import type { Logger } from "../log.ts";
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
 *
 * When the subscription fails (the server refuses the subject: a permissions violation) or
 * ends (the connection closed), every job waiting on it fails at once with a
 * `job.results_unavailable` error, logged once, instead of waiting for its timeout; the inbox
 * is dropped, so the next job subscribes afresh.
 */
class ResultInbox {
  readonly #waiting = new Map<string, Waiter>();
  readonly #subject: string;
  #failure: OsapiError | undefined;

  constructor(nc: NatsConnection, router: SubjectRouter, onFailed: () => void, log?: Logger) {
    this.#subject = router.resultsWildcard();
    const fail = (cause: unknown, why: string, level: "error" | "debug" = "error") => {
      if (this.#failure) return;
      this.#failure = new OsapiError(
        "job.results_unavailable",
        `cannot receive job results on ${this.#subject}: ${why}`,
        cause === undefined ? undefined : { cause },
      );
      onFailed();
      log?.log(level, "job result subscription ended; waiting jobs fail", {
        subject: this.#subject,
        waiting: this.#waiting.size,
        error: why,
      });
      for (const w of this.#waiting.values()) w.fail(this.#failure);
      this.#waiting.clear();
    };
    const sub = nc.subscribe(this.#subject, {
      callback: (err, msg) => {
        if (err) return fail(err, errorMessage(err));
        const waiter = this.#waiting.get(msg.subject);
        if (!waiter) return;
        const r = decodeJson<HostResult>(msg.data);
        if (r && typeof r.hostname === "string") waiter.deliver(r);
      },
    });
    sub.closed.then(
      (err) => {
        if (err) return fail(err, errorMessage(err));
        // a closed connection (shutdown) ends it quietly unless jobs still wait
        const level = this.#waiting.size === 0 ? "debug" : "error";
        fail(undefined, "the subscription or its NATS connection was closed", level);
      },
      (err) => fail(err, errorMessage(err)),
    );
  }

  /** Hands the results published on `subject` to `waiter` until {@link remove}. */
  add(subject: string, waiter: Waiter): void {
    if (this.#failure) waiter.fail(this.#failure);
    else this.#waiting.set(subject, waiter);
  }

  remove(subject: string): void {
    this.#waiting.delete(subject);
  }
}

/** What a job's waiter hands its inbox: where results go, and how the job fails. */
interface Waiter {
  deliver(r: HostResult): void;
  fail(e: OsapiError): void;
}

const inboxes = new WeakMap<NatsConnection, Map<string, ResultInbox>>();

function inboxFor(nc: NatsConnection, router: SubjectRouter, log?: Logger): ResultInbox {
  let byNamespace = inboxes.get(nc);
  if (!byNamespace) inboxes.set(nc, byNamespace = new Map());
  const map = byNamespace;
  const key = router.resultsWildcard();
  let inbox = map.get(key);
  if (!inbox) {
    const created: ResultInbox = new ResultInbox(nc, router, () => {
      if (map.get(key) === created) map.delete(key);
    }, log);
    map.set(key, inbox = created);
  }
  return inbox;
}

/** Listens for one job's results; {@link collect} waits for them. */
export class ResultWaiter {
  readonly #inbox: ResultInbox;
  readonly #subject: string;
  readonly #results = new Map<string, HostResult>();
  #failure: OsapiError | undefined;
  #wake: () => void = () => {};

  /**
   * Listens from now on (before the job is published); `log` hears of a failed subscription.
   */
  constructor(nc: NatsConnection, router: SubjectRouter, jobId: string, log?: Logger) {
    this.#inbox = inboxFor(nc, router, log);
    this.#subject = router.result(jobId);
    this.#inbox.add(this.#subject, {
      deliver: (r) => {
        this.#results.set(sanitizeToken(r.hostname, "host name"), r);
        this.#wake();
      },
      fail: (e) => {
        this.#failure = e;
        this.#wake();
      },
    });
  }

  /** The error that ended listening (the result subscription failed), if any. */
  get failure(): OsapiError | undefined {
    return this.#failure;
  }

  /**
   * Waits as `opts` says and returns the results received, sorted by host name. Rejects with
   * the `job.results_unavailable` error when the result subscription fails meanwhile.
   */
  async collect(opts: CollectOptions): Promise<HostResult[]> {
    const deadline = Date.now() + opts.timeoutMs;
    const expected = opts.expectedHosts?.map((h) => sanitizeToken(h, "host name"));
    let lastCount = -1;
    let quietUntil = Infinity;
    try {
      while (true) {
        if (this.#failure) throw this.#failure;
        const n = this.#results.size;
        if (n > 0 && !expected) break;
        if (expected && expected.every((h) => this.#results.has(h))) break;
        if (n !== lastCount && n > 0) {
          lastCount = n;
          quietUntil = Date.now() + opts.quietMs;
        }
        const wait = Math.min(deadline, quietUntil) - Date.now();
        if (wait <= 0) break;
        const quiet = delay(wait);
        this.#wake = () => quiet.cancel();
        await quiet;
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
