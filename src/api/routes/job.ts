/**
 * The `/job` sub-app: submit, list, inspect, delete and retry jobs; queue statistics; live
 * workers. Everything goes through the job service.
 */
import { z } from "@hono/zod-openapi";
import { JOB_STATUSES, type JobRecord } from "../../core/job.ts";
import type { OperationTable } from "../../core/operations/mod.ts";
import type { ApiApp, AppDeps, Caller } from "../context.ts";
import { assertMayRun, mayAccess } from "../operation_access.ts";
import { checkOperationData } from "../issues.ts";
import { ApiError } from "../problem.ts";
import { type Mount, newApp, operationIdAt, securedRoute } from "../route.ts";
import { callerSubject } from "../run_job.ts";
import { IdParam, Target } from "../schemas.ts";
import { TargetError } from "../../core/targets.ts";
import { isOperationInputError } from "../middleware/errors.ts";

const CreateJobRequest = z.object({
  operation: z.looseObject({
    type: z.string().min(1).max(128).openapi({ example: "system.hostname.get" }),
    data: z.record(z.string(), z.unknown()).optional().openapi({
      description: "operation input",
    }),
  }).openapi({ description: "what to run: an operation type and its data" }),
  target_hostname: Target.openapi({
    description: "_any, _all, a host name, or key:value",
    example: "_any",
  }),
}).openapi("CreateJobRequest");

const RetryJobRequest = z.object({
  target_hostname: Target.optional().openapi({
    description: "where the new job runs: _any, _all, a host name, or key:value " +
      "(default: the original job's target)",
    example: "_any",
  }),
}).openapi("RetryJobRequest");

const CreateJobResponse = z.object({
  job_id: z.uuid(),
  status: z.string().openapi({ example: "submitted" }),
  timestamp: z.string().openapi({ description: "creation time (ISO 8601)" }),
  target: z.string().optional(),
  retry_of: z.uuid().optional(),
}).openapi("CreateJobResponse");

const REDACTED_NOTE = "left out when `redacted`";

const WorkerState = z.object({
  status: z.string(),
  error: z.string().optional(),
  duration: z.string().optional(),
}).openapi("JobWorkerState");

const JobDetail = z.object({
  id: z.uuid(),
  status: z.enum(JOB_STATUSES),
  created: z.string(),
  operation: z.looseObject({
    type: z.string(),
    data: z.unknown().optional().openapi({ description: `operation input; ${REDACTED_NOTE}` }),
  }),
  target: z.string(),
  submitter: z.string(),
  retry_of: z.string().optional(),
  redacted: z.boolean().optional().openapi({
    description: "true when the caller lacks the permission the operation needs (the one " +
      "`POST /job` asks for, e.g. `command:execute` for `command.*`): its input " +
      "(`operation.data`), output (`result`, `responses.*.data`) and error texts are left out",
  }),
  hostname: z.string().optional().openapi({ description: "host of a single-host result" }),
  result: z.unknown().optional().openapi({
    description: `output of a single-host result; ${REDACTED_NOTE}`,
  }),
  error: z.string().optional().openapi({ description: `why a host failed; ${REDACTED_NOTE}` }),
  changed: z.boolean().nullable().optional().openapi({
    description: "whether a host was modified (null while no host reported it)",
  }),
  updated_at: z.string().optional(),
  responses: z.record(
    z.string(),
    z.object({
      status: z.string(),
      data: z.unknown().optional(),
      error: z.string().optional(),
      hostname: z.string(),
      changed: z.boolean().optional(),
    }),
  ).openapi({ description: "per-host results" }),
  worker_states: z.record(z.string(), WorkerState),
  agent_states: z.record(z.string(), WorkerState).openapi({
    description: "the same as `worker_states` (OSAPI's current name)",
  }),
  timeline: z.array(z.object({
    timestamp: z.string(),
    event: z.string(),
    hostname: z.string().optional(),
    message: z.string().optional(),
    error: z.string().optional(),
  })),
}).openapi("JobDetail");

const ListJobsResponse = z.object({
  total_items: z.number().int(),
  status_counts: z.record(z.string(), z.number().int()).optional().openapi({
    description: "jobs by status, over all jobs",
  }),
  items: z.array(JobDetail),
}).openapi("ListJobsResponse");

const ListJobsQuery = z.object({
  status: z.enum(JOB_STATUSES).optional().openapi({
    param: { name: "status", in: "query" },
    description: "only jobs with this status",
  }),
  limit: z.coerce.number().int().min(0).max(1000).default(10).openapi({
    param: { name: "limit", in: "query" },
    description: "page size (0: up to 1000)",
  }),
  offset: z.coerce.number().int().min(0).default(0).openapi({
    param: { name: "offset", in: "query" },
  }),
});

const QueueStats = z.object({
  total_jobs: z.number().int(),
  status_counts: z.record(z.string(), z.number().int()),
  dlq_count: z.number().int().optional(),
}).openapi("QueueStats");

const WorkerInfo = z.object({
  hostname: z.string(),
  labels: z.record(z.string(), z.string()),
  started: z.string(),
  last_seen: z.string(),
  version: z.string(),
  running: z.number().int(),
}).openapi("WorkerInfo");

const ListWorkers = z.object({
  workers: z.array(WorkerInfo),
  total: z.number().int(),
}).openapi("ListWorkersResponse");

const json = <T>(schema: T) => ({ content: { "application/json": { schema } } });

/**
 * A job record in OSAPI's job detail shape, as `caller` may see it: without the operation's
 * input, output and error texts (`redacted: true`) when the caller lacks its permission.
 */
export function jobDetail(
  rec: JobRecord,
  caller: Caller | undefined,
  table: OperationTable,
): z.infer<typeof JobDetail> {
  const shown = mayAccess(caller, table, rec.job.operation.type);
  const responses: z.infer<typeof JobDetail>["responses"] = {};
  const states: z.infer<typeof JobDetail>["worker_states"] = {};
  for (const r of rec.results) {
    const error = shown && r.error !== undefined ? { error: r.error } : {};
    responses[r.hostname] = {
      status: r.status,
      hostname: r.hostname,
      ...(shown && r.data !== undefined ? { data: r.data } : {}),
      ...error,
      ...(r.changed !== undefined ? { changed: r.changed } : {}),
    };
    states[r.hostname] = {
      status: r.status,
      ...error,
      ...(r.duration_ms !== undefined ? { duration: `${r.duration_ms}ms` } : {}),
    };
  }
  const single = rec.results.length === 1 ? rec.results[0] : undefined;
  const changes = rec.results.filter((r) => r.changed !== undefined);
  const failure = rec.results.find((r) => r.status === "failed");
  const last = rec.events[rec.events.length - 1];
  const { type, data } = rec.job.operation;
  return {
    id: rec.job.id,
    status: rec.status,
    created: rec.job.created,
    operation: shown ? { type, data } : { type },
    target: rec.job.target,
    submitter: rec.job.submitter,
    ...(rec.job.retry_of ? { retry_of: rec.job.retry_of } : {}),
    ...(shown ? {} : { redacted: true }),
    ...(single ? { hostname: single.hostname } : {}),
    ...(shown && single?.data !== undefined ? { result: single.data } : {}),
    ...(shown && failure?.error !== undefined ? { error: failure.error } : {}),
    changed: changes.length === 0 ? null : changes.some((r) => r.changed),
    ...(last ? { updated_at: last.time } : {}),
    responses,
    worker_states: states,
    agent_states: states,
    timeline: rec.events.map((e) => ({
      timestamp: e.time,
      event: e.type,
      ...(e.hostname ? { hostname: e.hostname } : {}),
      ...(e.detail && !isErrorEvent(e.type) ? { message: e.detail } : {}),
      ...(e.detail && isErrorEvent(e.type) && shown ? { error: e.detail } : {}),
    })),
  };
}

/** Events whose detail is an error text (redacted like results). */
const isErrorEvent = (type: string) => type === "failed" || type === "delivery_failed";

/** Jobs in the dead-letter queue, or undefined (logged) when the job service cannot tell. */
async function dlqCount(deps: AppDeps): Promise<number | undefined> {
  try {
    return await deps.jobs.deadLetters();
  } catch (e) {
    deps.log.warn("cannot count the dead-letter queue", { error: (e as Error).message });
    return undefined;
  }
}

/** The `/job*` routes, to mount at `/job`. */
export function jobRoutes(deps: AppDeps, mount: Mount): ApiApp {
  const app = newApp();
  app.openapi(
    securedRoute("job:write", {
      method: "post",
      path: "/",
      operationId: operationIdAt(mount, "PostJob"),
      tags: ["Job"],
      summary: "Submit a job without waiting for its results",
      description: "Needs `job:write` and the permission of the operation type as well: " +
        `${
          [...deps.operations.values()].map((o) => `\`${o.type}\`: \`${o.permission}\``).join(", ")
        }. Without it: 403.`,
      request: { body: { required: true, ...json(CreateJobRequest) } },
      responses: { 201: { description: "the job was submitted", ...json(CreateJobResponse) } },
    }, [422]),
    async (c) => {
      const body = c.req.valid("json");
      const { type } = body.operation;
      const spec = deps.operations.get(type);
      if (!spec) {
        throw new ApiError(
          422,
          `unknown operation type ${JSON.stringify(type)}; expected one of: ${
            [...deps.operations.keys()].join(", ")
          }`,
        );
      }
      assertMayRun(c.get("caller"), deps.operations, type);
      const check = checkOperationData(spec, body.operation.data);
      if (!check.ok) throw new ApiError(422, check.detail);
      const start = performance.now();
      let job;
      try {
        job = await deps.jobs.submit(
          { type, data: check.data },
          body.target_hostname,
          callerSubject(c),
        );
      } catch (e) {
        if (e instanceof TargetError) deps.metrics.observeJob(type, "rejected");
        if (isOperationInputError(e)) throw new ApiError(422, (e as Error).message);
        throw e;
      }
      deps.metrics.observeJob(type, "submitted", (performance.now() - start) / 1000);
      return c.json({
        job_id: job.id,
        status: "submitted",
        timestamp: job.created,
        target: job.target,
      }, 201);
    },
  );

  app.openapi(
    securedRoute("job:read", {
      method: "get",
      path: "/",
      operationId: operationIdAt(mount, "getJobs", "GetJob"),
      tags: ["Job"],
      summary: "List jobs, newest first",
      request: { query: ListJobsQuery },
      responses: { 200: { description: "a page of jobs", ...json(ListJobsResponse) } },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const page = await deps.jobs.list({
        status: q.status,
        limit: q.limit === 0 ? 1000 : q.limit,
        offset: q.offset,
      });
      const caller = c.get("caller");
      const items = page.items.map((rec) => jobDetail(rec, caller, deps.operations));
      const counts = await deps.jobs.counts();
      return c.json({ total_items: page.total, status_counts: counts, items }, 200);
    },
  );

  app.openapi(
    securedRoute("job:read", {
      method: "get",
      path: "/status",
      operationId: operationIdAt(mount, "GetJobStatus"),
      tags: ["Job"],
      summary: "Job counts by status",
      responses: { 200: { description: "queue statistics", ...json(QueueStats) } },
    }),
    async (c) => {
      const counts = await deps.jobs.counts();
      const total = Object.values(counts).reduce((a, b) => a + b, 0);
      const dlq = await dlqCount(deps);
      return c.json({
        total_jobs: total,
        status_counts: counts,
        ...(dlq !== undefined ? { dlq_count: dlq } : {}),
      }, 200);
    },
  );

  app.openapi(
    securedRoute("job:read", {
      method: "get",
      path: "/workers",
      operationId: operationIdAt(mount, "GetJobWorkers"),
      tags: ["Job"],
      summary: "Live workers and their labels",
      responses: { 200: { description: "live workers", ...json(ListWorkers) } },
    }),
    async (c) => {
      const workers = await deps.jobs.workers();
      return c.json({ workers, total: workers.length }, 200);
    },
  );

  app.openapi(
    securedRoute("job:read", {
      method: "get",
      path: "/{id}",
      operationId: operationIdAt(mount, "GetJobByID"),
      tags: ["Job"],
      summary: "One job with its per-host results and timeline",
      request: { params: IdParam },
      responses: { 200: { description: "the job", ...json(JobDetail) } },
    }, [404]),
    async (c) => {
      const { id } = c.req.valid("param");
      const rec = await deps.jobs.get(id);
      if (!rec) throw new ApiError(404, `job ${id} not found`);
      return c.json(jobDetail(rec, c.get("caller"), deps.operations), 200);
    },
  );

  app.openapi(
    securedRoute("job:write", {
      method: "delete",
      path: "/{id}",
      operationId: operationIdAt(mount, "DeleteJobByID"),
      tags: ["Job"],
      summary: "Delete a job record",
      request: { params: IdParam },
      responses: { 204: { description: "deleted" } },
    }, [404]),
    async (c) => {
      const { id } = c.req.valid("param");
      if (!(await deps.jobs.delete(id))) throw new ApiError(404, `job ${id} not found`);
      return c.body(null, 204);
    },
  );

  app.openapi(
    securedRoute("job:write", {
      method: "post",
      path: "/{id}/retry",
      operationId: operationIdAt(mount, "RetryJobByID"),
      tags: ["Job"],
      summary: "Submit a new job with the same operation (and target, unless the body names one)",
      description: "Needs `job:write` and the permission of the job's operation type, as " +
        "`POST /job` (403 without it).",
      request: {
        params: IdParam,
        body: { required: false, ...json(RetryJobRequest) },
      },
      responses: { 201: { description: "the new job", ...json(CreateJobResponse) } },
    }, [404]),
    async (c) => {
      const { id } = c.req.valid("param");
      const { target_hostname: target } = c.req.valid("json") ?? {};
      const original = await deps.jobs.get(id);
      if (!original) throw new ApiError(404, `job ${id} not found`);
      assertMayRun(c.get("caller"), deps.operations, original.job.operation.type);
      const job = await deps.jobs.retry(id, callerSubject(c), target);
      if (!job) throw new ApiError(404, `job ${id} not found`);
      deps.metrics.observeJob(job.operation.type, "submitted");
      return c.json({
        job_id: job.id,
        status: "submitted",
        timestamp: job.created,
        target: job.target,
        ...(job.retry_of ? { retry_of: job.retry_of } : {}),
      }, 201);
    },
  );
  return app;
}
