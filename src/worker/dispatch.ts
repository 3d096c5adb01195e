/**
 * Runs one job message on this worker: records `acknowledged`/`started`, runs the provider,
 * stores the result and its event, publishes it on the fast path, and only then acks. Failures
 * are redelivered with back-off; the last failed delivery dead-letters the job itself.
 */
import { headers, type NatsConnection } from "@nats-io/transport-node";
import type { JetStreamClient, JsMsg } from "@nats-io/jetstream";
import type { Config } from "../config/schema.ts";
import type { Logger } from "../log.ts";
import type { SubjectRouter } from "../nats/subjects.ts";
import type { JobRecords } from "../job/records.ts";
import { publishResult } from "../job/results.ts";
import { decodeJson } from "../job/store.ts";
import { type HostResult, type Job, OperationInputError } from "../job/types.ts";
import type { Provider } from "./providers/mod.ts";

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
}

/** The nak delay before delivery `n + 1`, from `back_off` (last value repeats). */
export function backOffDelay(backOff: number[], deliveries: number): number {
  if (backOff.length === 0) return 0;
  return backOff[Math.min(Math.max(deliveries, 1), backOff.length) - 1];
}

function isJob(v: unknown): v is Job {
  const j = v as Job;
  return typeof j === "object" && j !== null && typeof j.id === "string" &&
    typeof j.operation === "object" && j.operation !== null &&
    typeof j.operation.type === "string";
}

/** Handles one delivery of a job message; never throws. */
export async function dispatchJob(msg: JsMsg, ctx: DispatchContext): Promise<void> {
  const { log, consumer } = ctx;
  const job = decodeJson<unknown>(msg.data);
  if (!isJob(job)) {
    log.warn("malformed job message dead-lettered", { subject: msg.subject });
    await deadLetter(msg, ctx, undefined, "malformed job message").catch(() => {});
    msg.term("malformed job message");
    return;
  }
  const deliveries = msg.info.deliveryCount;
  const fields = { job_id: job.id, type: job.operation.type, delivery: deliveries };
  const working = setInterval(
    () => msg.working(),
    Math.max(500, Math.floor(consumer.ack_wait / 3)),
  );
  try {
    if (deliveries > consumer.max_deliver) {
      // the worker(s) holding the previous deliveries died before answering
      const error = `no result after ${consumer.max_deliver} deliveries (worker stopped)`;
      await fail(msg, ctx, job, error, 0, true);
      return;
    }
    await ctx.records.event(job.id, { type: "acknowledged", hostname: ctx.hostname });
    const provider = ctx.providers.get(job.operation.type);
    if (!provider) {
      await finish(msg, ctx, job, failed(ctx, `unknown operation type ${job.operation.type}`));
      return;
    }
    let input: unknown;
    try {
      input = provider.validate(job.operation.data ?? {});
    } catch (e) {
      if (!(e instanceof OperationInputError)) throw e;
      log.info("job rejected: bad input", { ...fields, error: e.message });
      await finish(msg, ctx, job, failed(ctx, e.message));
      return;
    }
    await ctx.records.event(job.id, { type: "started", hostname: ctx.hostname });
    const t0 = performance.now();
    let out: unknown;
    try {
      out = await provider.run(input as Record<string, unknown>, {
        hostname: ctx.hostname,
        signal: ctx.signal,
        log: log.child(`provider ${provider.type}`),
      });
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      const duration = Math.round(performance.now() - t0);
      if (e instanceof OperationInputError) {
        await finish(msg, ctx, job, failed(ctx, error, duration));
        return;
      }
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
    await finish(msg, ctx, job, result);
    log.debug("job completed", fields);
  } catch (e) {
    // storing or publishing failed: let JetStream redeliver
    log.warn("job handling failed; redelivering", { ...fields, error: (e as Error).message });
    msg.nak(backOffDelay(consumer.back_off, deliveries));
  } finally {
    clearInterval(working);
  }
}

function failed(ctx: DispatchContext, error: string, duration_ms?: number): HostResult {
  return {
    hostname: ctx.hostname,
    status: "failed",
    error,
    ...(duration_ms !== undefined ? { duration_ms } : {}),
  };
}

/** Stores the result, publishes it on the fast path, then acks. */
async function finish(msg: JsMsg, ctx: DispatchContext, job: Job, result: HostResult) {
  await ctx.records.putResult(job.id, result);
  publishResult(ctx.nc, ctx.router, job.id, result);
  await msg.ackAck().catch((e) =>
    ctx.log.warn("ack failed", { job_id: job.id, error: (e as Error).message })
  );
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
    msg.nak(delay);
    return;
  }
  ctx.log.error("job failed on its last delivery; dead-lettered", {
    job_id: job.id,
    delivery: deliveries,
    error,
  });
  await deadLetter(msg, ctx, job, error);
  const result = failed(ctx, error, duration);
  await ctx.records.putResult(job.id, result);
  publishResult(ctx.nc, ctx.router, job.id, result);
  msg.term(error);
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
