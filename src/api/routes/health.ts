/**
 * `/health` (liveness), `/health/ready` (NATS reachable, streams and buckets present; both
 * public) and `/health/status` (components, streams, buckets, job counts, version, uptime).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { jetstreamManager } from "@nats-io/jetstream";
import { kvStream } from "../../nats/subjects.ts";
import { VERSION } from "../../version.ts";
import type { ApiApp, AppDeps } from "../context.ts";
import { probeNats } from "../nats_probe.ts";
import { securedRoute } from "../route.ts";

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

/** Checks the streams and buckets the API needs; returns the first problem or undefined. */
async function missingResources(deps: AppDeps): Promise<string | undefined> {
  const jsm = await jetstreamManager(deps.nc!);
  for (const s of deps.router.streams) {
    try {
      await jsm.streams.info(s);
    } catch (e) {
      return `stream ${s}: ${errorText(e)}`;
    }
  }
  return undefined;
}

/** Registers the `/health*` routes. */
export function registerHealthRoutes(app: ApiApp, deps: AppDeps): void {
  app.openapi(
    createRoute({
      method: "get",
      path: "/health",
      operationId: "GetHealth",
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
      path: "/health/ready",
      operationId: "GetHealthReady",
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
      const probe = await probeNats(deps.nc);
      if (!probe.ok) return c.json({ status: "not_ready" as const, error: probe.error }, 503);
      const missing = await missingResources(deps).catch(errorText);
      if (missing) return c.json({ status: "not_ready" as const, error: missing }, 503);
      return c.json({ status: "ready" as const }, 200);
    },
  );

  app.openapi(
    securedRoute("health:read", {
      method: "get",
      path: "/health/status",
      operationId: "GetHealthStatus",
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
      const probe = await probeNats(deps.nc);
      components.nats = probe.ok ? { status: "ok" } : { status: "error", error: probe.error };
      if (probe.ok && deps.nc) {
        body.nats = { url: deps.nc.getServer(), version: deps.nc.info?.version ?? "" };
        try {
          const jsm = await jetstreamManager(deps.nc);
          const info = (name: string) => jsm.streams.info(name);
          const streams = await Promise.all([deps.router.stream, deps.router.dlqStream].map(info));
          body.streams = streams.map((s) => ({
            name: s.config.name,
            messages: s.state.messages,
            bytes: s.state.bytes,
            consumers: s.state.consumer_count,
          }));
          const buckets = await Promise.all(deps.router.buckets.map((b) => info(kvStream(b))));
          body.kv_buckets = buckets.map((s) => ({
            name: s.config.name.replace(/^KV_/, ""),
            keys: s.state.messages,
            bytes: s.state.bytes,
          }));
          components.jetstream = { status: "ok" };
        } catch (e) {
          components.jetstream = { status: "error", error: errorText(e) };
        }
      }
      try {
        const counts = await deps.jobs.counts();
        const dlq = body.streams?.find((s) => s.name === deps.router.dlqStream)?.messages ?? 0;
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
        components.jobs = { status: "ok" };
      } catch (e) {
        components.jobs = { status: "error", error: errorText(e) };
      }
      const healthy = Object.values(components).every((x) => x.status === "ok");
      body.status = healthy ? "ok" : "degraded";
      return c.json(body, healthy ? 200 : 503);
    },
  );
}
