/**
 * Runs one job message on this worker: records `acknowledged`/`started`, runs the provider,
 * stores the result and its event (and waits until those and the earlier events are stored),
 * publishes it on the fast path, and only then acks. Failures are redelivered with back-off;
 * the last failed delivery dead-letters the job itself.
 */
import { headers, type NatsConnection } from "@nats-io/transport-node";
import type { JetStreamClient, JsMsg } from "@nats-io/jetstream";
import type { Config } from "../config/schema.ts";
import type { Logger } from "../log.ts";
import type { SubjectRouter } from "../nats/subjects.ts";
import type { JobRecords } from "../job/records.ts";
import { publishResult } from "../job/results.ts";
import { decodeJson } from "../job/store.ts";
import { type HostResult, type Job, type JobEvent, OperationInputError } from "../core/job.ts";
import type { Provider } from "./providers/mod.ts";
import { errorMessage } from "../core/errors.ts";
import { isPermanentFailure, isPermanentStoreFailure } from "./permanent.ts";
import type { DeploymentLog, FileFetch } from "../core/files.ts";

/** Headers on a dead-lettered job. */
export const DLQ_HEADERS = {
  hostname: "Osapi-Hostname",
  error: "Osapi-Error",
  deliveries: "Osapi-Deliveries",
  subject: "Osapi-Subject",
  jobId: "Osapi-Job-Id",
} as const;

/** What {@link dispatchJob} needs from its worker. */
export interface DispatchContext {
  hostname: string;
  providers: Map<string, Provider>;
  records: JobRecords;
  nc: NatsConnection;
  js: JetStreamClient;
  router: SubjectRouter;
  consumer: Config["job"]["worker"]["consumer"];
  /** Aborted when in-flight jobs must stop (forced shutdown). */
  signal: AbortSignal;
  log: Logger;
  /** The providers' root directory (see `ProviderContext.root`). */
  root: string;
  /** Reads files of the object store (see `ProviderContext.files`). */
  files?: FileFetch;
  /** Records deployed files (see `ProviderContext.deployments`). */
  deployments?: DeploymentLog;
  /**
   * A job's deadline, in ms after its `created` time: the lifetime of its record and results
   * (`nats.kv.ttl`). An older job is refused (its record is gone, so a replay could not be told
   * from the original). Absent: no deadline.
   */
  maxJobAgeMs?: number;
}

/** The nak delay before delivery `n + 1`, from `back_off` (last value repeats). */
export function backOffDelay(backOff: number[], deliveries: number): number {
  if (backOff.length === 0) return 0;
  return backOff[Math.min(Math.max(deliveries, 1), backOff.length) - 1];
}

/**
 * Gives a delivery back for redelivery after `delayMs`. Always with a delay (at least 1 ms): the
 * server stores a delayed nak's due time in the consumer's state, while a plain nak only queues
 * the job in memory, so a server stopped right after it (a `serve` restart) would keep the job
 * until `ack_wait` ran out.
 */
export function giveBack(msg: JsMsg, delayMs = 0): void {
  msg.nak(Math.max(1, delayMs));
}

function isJob(v: unknown): v is Job {
  const j = v as Job;
  return typeof j === "object" && j !== null && typeof j.id === "string" &&
    typeof j.operation === "object" && j.operation !== null &&
    typeof j.operation.type === "string";
}

/**
 * A job's `acknowledged`/`started` events (each stamped when it happens). They do not hold up
 * the provider: they are written at the next turn of the event loop, or, when the job finishes
 * before that (most queries), in one write with its final event ({@link take}). A failed write
 * is logged, not fatal: the result and its final event are what count.
 */
class JobEvents {
  #queued: JobEvent[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #writes: Promise<void>[] = [];

  constructor(readonly ctx: DispatchContext, readonly job: Job) {}

  add(type: "acknowledged" | "started"): void {
    this.#queued.push({ type, hostname: this.ctx.hostname, time: new Date().toISOString() });
    this.#timer ??= setTimeout(() => this.#write(), 0);
  }

  /** The events not written yet, to be written with the final event; none are left queued. */
  take(): JobEvent[] {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const queued = this.#queued;
    this.#queued = [];
    return queued;
  }

  #write(): void {
    const events = this.take();
    if (events.length === 0) return;
    this.#writes.push(
      this.ctx.records.events(this.job.id, events).catch((e) =>
        this.ctx.log.warn("storing job events failed", {
          job_id: this.job.id,
          events: events.map((e) => e.type),
          error: (e as Error).message,
        })
      ),
    );
  }

  /** Writes what is queued and waits until every write settled. */
  settled(): Promise<unknown> {
    this.#write();
    return Promise.all(this.#writes);
  }
}

/** Handles one delivery of a job message; never throws. */
export async function dispatchJob(msg: JsMsg, ctx: DispatchContext): Promise<void> {
  const { log, consumer } = ctx;
  if (msg.headers?.get("Nats-Stream")) {
    // Jobs are published by the API, never by the server: a message carrying the headers of a
    // direct-get answer was steered here through a chosen reply subject (an injection attempt
    // from another namespace sharing the account). It is neither run nor dead-lettered.
    log.warn("job message rejected: it is a server answer, not a published job", {
      subject: msg.subject,
      from_stream: msg.headers.get("Nats-Stream"),
    });
    msg.term("server answer, not a job");
    return;
  }
  const job = decodeJson<unknown>(msg.data);
  if (!isJob(job)) {
    try {
      await deadLetter(msg, ctx, undefined, "malformed job message");
    } catch (e) {
      keepForRedelivery(msg, ctx, undefined, e);
      return;
    }
    log.warn("malformed job message dead-lettered", { subject: msg.subject });
    msg.term("malformed job message");
    return;
  }
  const deliveries = msg.info.deliveryCount;
  const fields = { job_id: job.id, type: job.operation.type, delivery: deliveries };
  if (Array.isArray(job.hosts) && !job.hosts.includes(ctx.hostname)) {
    // A broadcast or host job submitted while this worker was down: it was not expected to
    // answer, so running it now (perhaps hours later) would surprise whoever sent it.
    log.info("job skipped: this worker was not live when it was submitted", fields);
    msg.ack();
    return;
  }
  const refusal = await replayRefusal(ctx, job, deliveries);
  if (refusal !== undefined) {
    // a replay (a stored job delivered onto a job subject again through a chosen reply or
    // deliver subject), or a job nobody waits for any more: never run, never redelivered
    log.warn("job refused: " + refusal, { ...fields, subject: msg.subject, created: job.created });
    msg.term(refusal);
    return;
  }
  const working = setInterval(
    () => msg.working(),
    Math.max(500, Math.floor(consumer.ack_wait / 3)),
  );
  const events = new JobEvents(ctx, job);
  try {
    if (deliveries > consumer.max_deliver) {
      // the worker(s) holding the previous deliveries died before answering, or could not
      // dead-letter the job (see keepForRedelivery)
      const error = `no result after ${consumer.max_deliver} deliveries ` +
        "(worker stopped or dead-lettering failed)";
      await fail(msg, ctx, job, error, 0, true);
      return;
    }
    events.add("acknowledged");
    const provider = ctx.providers.get(job.operation.type);
    if (!provider) {
      const result = failed(ctx, `unknown operation type ${job.operation.type}`);
      await finish(msg, ctx, job, result, events);
      return;
    }
    let input: unknown;
    try {
      input = provider.validate(job.operation.data ?? {});
    } catch (e) {
      if (!(e instanceof OperationInputError)) throw e;
      log.info("job rejected: bad input", { ...fields, error: e.message });
      await finish(msg, ctx, job, failed(ctx, e.message), events);
      return;
    }
    events.add("started");
    const t0 = performance.now();
    let out: unknown;
    try {
      out = await provider.run(input as Record<string, unknown>, {
        hostname: ctx.hostname,
        signal: ctx.signal,
        log: log.child(`provider ${provider.type}`),
        root: ctx.root,
        ...(ctx.files ? { files: ctx.files } : {}),
        ...(ctx.deployments ? { deployments: ctx.deployments } : {}),
      });
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      const duration = Math.round(performance.now() - t0);
      if (isPermanentFailure(e)) {
        await finish(msg, ctx, job, failed(ctx, error, duration), events);
        return;
      }
      await events.settled();
      await fail(msg, ctx, job, error, duration, deliveries >= consumer.max_deliver);
      return;
    }
    const result: HostResult = {
      hostname: ctx.hostname,
      status: "completed",
      data: out,
      duration_ms: Math.round(performance.now() - t0),
    };
    const changed = (out as { changed?: unknown } | null)?.changed;
    if (provider.kind === "modify" && typeof changed === "boolean") result.changed = changed;
    await finish(msg, ctx, job, result, events);
    log.debug("job completed", fields);
  } catch (e) {
    // storing or publishing failed: let JetStream redeliver
    log.warn("job handling failed; redelivering", { ...fields, error: (e as Error).message });
    await events.settled();
    giveBack(msg, backOffDelay(consumer.back_off, deliveries));
  } finally {
    clearInterval(working);
  }
}

/**
 * Why a job must not run (undefined: it may): older than its deadline, or already answered by
 * this host (its result is stored: the job ran, this delivery is a replay or a redelivery after
 * a lost ack). A failed look-up runs the job (the record store being down must not stop jobs;
 * the result write would then fail and redeliver it).
 */
async function replayRefusal(
  ctx: DispatchContext,
  job: Job,
  deliveries: number,
): Promise<string | undefined> {
  if (ctx.maxJobAgeMs !== undefined) {
    const created = Date.parse(job.created);
    if (!Number.isFinite(created)) {
      return `its creation time ${JSON.stringify(job.created)} is invalid`;
    }
    if (Date.now() - created > ctx.maxJobAgeMs) {
      return `older than its deadline (created ${job.created}, jobs expire after ` +
        `${Math.round(ctx.maxJobAgeMs / 1000)}s)`;
    }
  }
  // queries are safe to repeat and on the hot path: only modify jobs pay for the look-up, and
  // a first delivery of a job that is not a replay pays it too (a replay is a first delivery)
  if (ctx.providers.get(job.operation.type)?.kind !== "modify") return undefined;
  try {
    const prior = await ctx.records.result(job.id, ctx.hostname);
    if (prior !== undefined) {
      return `already answered by this host (${prior.status}` +
        (deliveries > 1 ? `, delivery ${deliveries})` : ")");
    }
  } catch (e) {
    ctx.log.warn("checking for an earlier result failed; running the job", {
      job_id: job.id,
      error: errorMessage(e),
    });
  }
  return undefined;
}

function failed(ctx: DispatchContext, error: string, duration_ms?: number): HostResult {
  return {
    hostname: ctx.hostname,
    status: "failed",
    error,
    ...(duration_ms !== undefined ? { duration_ms } : {}),
  };
}

/**
 * Stores the result and its event (the job's earlier events included), publishes it on the fast
 * path, then acks. The ack is not confirmed: a lost ack redelivers the job after `ack_wait`, as
 * a failed confirmation would, and skipping the reply saves a message and a timer per job.
 */
async function finish(
  msg: JsMsg,
  ctx: DispatchContext,
  job: Job,
  result: HostResult,
  events: JobEvents,
) {
  const before = events.take();
  try {
    await Promise.all([ctx.records.putResult(job.id, result, before), events.settled()]);
  } catch (e) {
    // a result that can never be stored (too large): record a failed result instead of
    // redelivering, which would run the job (a command, say) again
    if (!isPermanentStoreFailure(e)) throw e;
    const error = `the result could not be stored: ${errorMessage(e)}`;
    ctx.log.error("storing the job result failed; a failed result is recorded", {
      job_id: job.id,
      error: errorMessage(e),
    });
    result = failed(ctx, error, result.duration_ms);
    await ctx.records.putResult(job.id, result, before);
  }
  publishResult(ctx.nc, ctx.router, job.id, result);
  msg.ack();
}

/** A failed run: nak with back-off, or on the last delivery store, dead-letter and term. */
async function fail(
  msg: JsMsg,
  ctx: DispatchContext,
  job: Job,
  error: string,
  duration: number,
  last: boolean,
) {
  const deliveries = msg.info.deliveryCount;
  if (!last) {
    const delay = backOffDelay(ctx.consumer.back_off, deliveries);
    ctx.log.warn("job failed; will be redelivered", {
      job_id: job.id,
      delivery: deliveries,
      delay_ms: delay,
      error,
    });
    // The timeline shows the failed delivery (the job stays processing until it finishes).
    await ctx.records.events(job.id, [{
      type: "delivery_failed",
      hostname: ctx.hostname,
      time: new Date().toISOString(),
      detail: error,
    }]).catch((e) =>
      ctx.log.warn("storing the delivery_failed event failed", {
        job_id: job.id,
        error: (e as Error).message,
      })
    );
    giveBack(msg, delay);
    return;
  }
  try {
    await deadLetter(msg, ctx, job, error);
  } catch (e) {
    keepForRedelivery(msg, ctx, job.id, e);
    return;
  }
  ctx.log.error("job failed on its last delivery; dead-lettered", {
    job_id: job.id,
    delivery: deliveries,
    error,
  });
  const result = failed(ctx, error, duration);
  await ctx.records.putResult(job.id, result);
  publishResult(ctx.nc, ctx.router, job.id, result);
  msg.term(error);
}

/**
 * A dead-letter publish failed: the job is not acked or termed away but naked with back-off, so
 * it comes back and is dead-lettered on its next delivery (the consumer allows one delivery more
 * than `max_deliver` for this). Should that one fail too, the job stays in the stream un-acked
 * (the server reports MAX_DELIVERIES) and this error names it.
 */
function keepForRedelivery(
  msg: JsMsg,
  ctx: DispatchContext,
  jobId: string | undefined,
  e: unknown,
): void {
  const deliveries = msg.info.deliveryCount;
  const delay = backOffDelay(ctx.consumer.back_off, deliveries);
  ctx.log.error("dead-lettering the job failed; it is not acked and will be redelivered", {
    ...(jobId ? { job_id: jobId } : { subject: msg.subject }),
    delivery: deliveries,
    delay_ms: delay,
    error: errorMessage(e),
  });
  giveBack(msg, delay);
}

/** Republishes the job message itself on the DLQ subject for its original subject. */
async function deadLetter(msg: JsMsg, ctx: DispatchContext, job: Job | undefined, error: string) {
  const h = headers();
  h.set(DLQ_HEADERS.hostname, ctx.hostname);
  h.set(DLQ_HEADERS.error, error.replace(/[\r\n]+/g, " ").slice(0, 1024));
  h.set(DLQ_HEADERS.deliveries, String(msg.info.deliveryCount));
  h.set(DLQ_HEADERS.subject, msg.subject);
  if (job) h.set(DLQ_HEADERS.jobId, job.id);
  await ctx.js.publish(ctx.router.dlqJob(msg.subject), msg.data, { headers: h });
}
