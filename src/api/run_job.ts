/**
 * Running a domain operation as a job for a request: submit through the JobService as the
 * caller, wait for the per-host results, count it in the metrics, and shape each host's result
 * as a flat response item (`{hostname, ...data, changed?, error?}`).
 */
import type { Context } from "hono";
import type { HostResult, JobRunResult, SkippedResult } from "../core/job.ts";
import { errorCode } from "../core/errors.ts";
import type { ApiEnv, AppDeps } from "./context.ts";
import { ApiError } from "./problem.ts";
import type { OperationDef } from "../core/operations/mod.ts";

/** The subject of the authenticated caller. */
export function callerSubject(c: Context<ApiEnv>): string {
  const caller = c.get("caller");
  if (!caller) throw new ApiError(401, "missing bearer token");
  return caller.subject;
}

/** Submits operation `op` with `data` to `target` and waits for the results. */
export async function runOperation(
  deps: AppDeps,
  c: Context<ApiEnv>,
  op: OperationDef,
  data: Record<string, unknown>,
  target: string,
): Promise<JobRunResult> {
  const type = op.type;
  const start = performance.now();
  try {
    const result = await deps.jobs.run({ type, data }, target, callerSubject(c));
    deps.metrics.observeJob(type, result.status, (performance.now() - start) / 1000);
    return result;
  } catch (e) {
    // the error handler answers by the error's code (a bad target: 400)
    deps.metrics.observeJob(type, errorCode(e) === "target.invalid" ? "rejected" : "error");
    throw e;
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * One host's result as a response item: the provider's output object with `hostname` set to
 * the worker that answered and `status` `ok`, `failed` or `skipped` (with the reason in
 * `error`); a non-object output goes under `data`.
 */
export function hostItem(r: HostResult | SkippedResult): Record<string, unknown> {
  if (r.status === "skipped") return { hostname: r.hostname, status: r.status, error: r.error };
  const data = r.data === undefined ? {} : isRecord(r.data) ? r.data : { data: r.data };
  return {
    ...data,
    hostname: r.hostname,
    status: r.status === "failed" ? "failed" : "ok",
    ...(r.changed !== undefined ? { changed: r.changed } : {}),
    ...(r.duration_ms !== undefined && !("duration_ms" in data)
      ? { duration_ms: r.duration_ms }
      : {}),
    ...(r.status === "failed" ? { error: r.error ?? "failed" } : {}),
  };
}

/** `{job_id, results}` for a finished run. */
export function collectionBody(result: JobRunResult) {
  return { job_id: result.job_id, results: result.results.map((r) => hostItem(r)) };
}
