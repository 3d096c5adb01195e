/**
 * The `/health` sub-app: `/health` (liveness), `/health/ready` (the health service's cached
 * readiness; both public) and `/health/status` (components, streams, buckets, job counts,
 * version, uptime).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { VERSION } from "../../version.ts";
import type { ApiApp, AppDeps } from "../context.ts";
import type { Check } from "../ports.ts";
import { type Mount, newApp, operationIdAt, securedRoute } from "../route.ts";

const HealthResponse = z.object({ status: z.literal("ok") }).openapi("HealthResponse");

const ReadyResponse = z.object({
  status: z.enum(["ready", "not_ready"]),
  error: z.string().optional(),
}).openapi("ReadyResponse");

const ComponentHealth = z.object({
  status: z.enum(["ok", "error"]),
  error: z.string().optional(),
}).openapi("ComponentHealth");

const StreamStats = z.object({
  name: z.string(),
  messages: z.number().int(),
  bytes: z.number().int(),
  consumers: z.number().int(),
}).openapi("StreamStats");

const BucketStats = z.object({
  name: z.string(),
  keys: z.number().int(),
  bytes: z.number().int(),
}).openapi("BucketStats");

const JobStats = z.object({
  total: z.number().int(),
  unprocessed: z.number().int(),
  processing: z.number().int(),
  completed: z.number().int(),
  failed: z.number().int(),
  partial_failure: z.number().int(),
  dlq: z.number().int(),
}).openapi("JobStats");

const StatusResponse = z.object({
  status: z.enum(["ok", "degraded"]),
  components: z.record(z.string(), ComponentHealth),
  version: z.string(),
  uptime: z.string().openapi({ example: "2h30m5s" }),
  nats: z.object({ url: z.string(), version: z.string() }).optional(),
  streams: z.array(StreamStats).optional(),
  kv_buckets: z.array(BucketStats).optional(),
  jobs: JobStats.optional(),
  workers: z.number().int().optional(),
  agents: z.object({
    total: z.number().int().openapi({ description: "live workers (agents)" }),
    ready: z.number().int().openapi({ description: "live workers taking jobs" }),
  }).optional().openapi({ description: "OSAPI's AgentStats: the live workers" }),
}).openapi("StatusResponse");

/** Formats a duration in milliseconds as `1d2h3m4s`. */
export function formatUptime(ms: number): string {
  let s = Math.floor(ms / 1000);
  const parts: string[] = [];
  for (const [unit, size] of [["d", 86400], ["h", 3600], ["m", 60]] as const) {
    if (s >= size) {
      parts.push(`${Math.floor(s / size)}${unit}`);
      s %= size;
    }
  }
  parts.push(`${s}s`);
  return parts.join("");
}

const errorText = (e: unknown) => (e as Error)?.message ?? String(e);

/** A check as a component of `/health/status`. */
const component = (c: Check): z.infer<typeof ComponentHealth> =>
  c.ok ? { status: "ok" } : { status: "error", error: c.error };

/** The `/health*` routes, to mount at `/health`. */
export function healthRoutes(deps: AppDeps, mount: Mount): ApiApp {
  const app = newApp();
  app.openapi(
    createRoute({
      method: "get",
      path: "/",
      operationId: operationIdAt(mount, "GetHealth"),
      tags: ["Health"],
      summary: "Liveness: the process answers",
      responses: {
        200: {
          description: "alive",
          content: { "application/json": { schema: HealthResponse } },
        },
      },
    }),
    (c) => c.json({ status: "ok" as const }, 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/ready",
      operationId: operationIdAt(mount, "GetHealthReady"),
      tags: ["Health"],
      summary: "Readiness: NATS reachable, JetStream streams and buckets present",
      responses: {
        200: { description: "ready", content: { "application/json": { schema: ReadyResponse } } },
        503: {
          description: "not ready",
          content: { "application/json": { schema: ReadyResponse } },
        },
      },
    }),
    async (c) => {
      const ready = await deps.health.ready();
      if (!ready.ok) return c.json({ status: "not_ready" as const, error: ready.error }, 503);
      return c.json({ status: "ready" as const }, 200);
    },
  );

  app.openapi(
    securedRoute("health:read", {
      method: "get",
      path: "/status",
      operationId: operationIdAt(mount, "GetHealthStatus"),
      tags: ["Health"],
      summary: "Component health, JetStream statistics, job counts, version and uptime",
      responses: {
        200: {
          description: "all components healthy",
          content: { "application/json": { schema: StatusResponse } },
        },
        503: {
          description: "a component is unhealthy",
          content: { "application/json": { schema: StatusResponse } },
        },
      },
    }),
    async (c) => {
      const components: Record<string, z.infer<typeof ComponentHealth>> = {
        api: { status: "ok" },
      };
      const body: z.infer<typeof StatusResponse> = {
        status: "ok",
        components,
        version: VERSION,
        uptime: formatUptime(Date.now() - deps.started.getTime()),
      };
      const backend = await deps.health.status();
      components.nats = component(backend.nats);
      if (backend.server) body.nats = backend.server;
      if (backend.jetstream) components.jetstream = component(backend.jetstream);
      if (backend.streams) body.streams = backend.streams;
      if (backend.kv_buckets) body.kv_buckets = backend.kv_buckets;
      try {
        const counts = await deps.jobs.counts();
        const dlq = backend.dlq ?? 0;
        body.jobs = {
          total: Object.values(counts).reduce((a, b) => a + b, 0),
          unprocessed: counts.submitted ?? 0,
          processing: counts.processing ?? 0,
          completed: counts.completed ?? 0,
          failed: counts.failed ?? 0,
          partial_failure: counts.partial_failure ?? 0,
          dlq,
        };
        body.workers = (await deps.jobs.workers()).length;
        body.agents = { total: body.workers, ready: body.workers };
        components.jobs = { status: "ok" };
      } catch (e) {
        components.jobs = { status: "error", error: errorText(e) };
      }
      const healthy = Object.values(components).every((x) => x.status === "ok");
      body.status = healthy ? "ok" : "degraded";
      return c.json(body, healthy ? 200 : 503);
    },
  );
  return app;
}
