/**
 * The API app: Hono with zod-validated OpenAPI routes behind composable middleware — metrics
 * and audit (outermost), CORS, bearer authentication, body size limit — and problem+json
 * errors. {@link createApp} returns a `fetch` handler for Deno.serve.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { NatsConnection } from "@nats-io/transport-node";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { buildRoleTable } from "../auth/rbac.ts";
import type { Config } from "../config/schema.ts";
import type { JobService } from "../job/types.ts";
import type { Logger } from "../log.ts";
import type { SubjectRouter } from "../nats/subjects.ts";
import { AuditLog } from "./audit_log.ts";
import type { ApiApp, ApiEnv, AppDeps } from "./context.ts";
import { authenticate, DOCS_PATHS, PUBLIC_PATHS } from "./middleware/auth.ts";
import { errorHandler, notFound, validationHook } from "./middleware/errors.ts";
import { natsGate } from "./nats_state.ts";
import { observe } from "./middleware/observe.ts";
import { ApiMetrics } from "./metrics.ts";
import { buildDocument, type OpenApiDocument, registerSecurityScheme } from "./openapi.ts";
import { problemResponse } from "./problem.ts";
import { registerAuditRoutes } from "./routes/audit.ts";
import { registerCommandRoutes } from "./routes/command.ts";
import { registerHealthRoutes } from "./routes/health.ts";
import { registerJobRoutes } from "./routes/job.ts";
import { registerMetaRoutes } from "./routes/meta.ts";
import { registerNetworkRoutes } from "./routes/network.ts";
import { registerSystemRoutes } from "./routes/system.ts";

/** Options of {@link createApp}. */
export interface CreateAppOptions {
  config: Config;
  jobs: JobService;
  /** The API's NATS connection (audit log, readiness, JetStream statistics). */
  nc?: NatsConnection;
  router: SubjectRouter;
  log: Logger;
  /** HS256 key of bearer tokens (default: `api.server.security.signing_key`). */
  signingKey?: string;
}

/** A created API app. */
export interface ApiHandle {
  /** The request handler (Deno.serve's second argument is passed as the connection info). */
  fetch: (req: Request, info?: Deno.ServeHandlerInfo) => Response | Promise<Response>;
  app: ApiApp;
  metrics: ApiMetrics;
  audit?: AuditLog;
  /** The OpenAPI 3.1 document. */
  document(): OpenApiDocument;
  /** Waits for background audit writes. */
  flush(): Promise<void>;
}

/** Builds the API app. Throws ConfigError for bad roles and Error without a signing key. */
export function createApp(opts: CreateAppOptions): ApiHandle {
  const { config, log } = opts;
  const security = config.api.server.security;
  const signingKey = opts.signingKey ?? security.signing_key;
  if (!signingKey) {
    throw new Error("no API signing key: set api.server.security.signing_key or pass signingKey");
  }
  const roles = buildRoleTable(security.roles);
  const metrics = new ApiMetrics({ jobs: opts.jobs, nc: opts.nc });
  const audit = opts.nc ? new AuditLog(opts.nc, opts.router, log.child("audit")) : undefined;
  const deps: AppDeps = {
    config,
    jobs: opts.jobs,
    nc: opts.nc,
    router: opts.router,
    log,
    signingKey,
    roles,
    metrics,
    audit,
    started: new Date(),
  };

  const app: ApiApp = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
  app.onError(errorHandler(log, opts.nc));
  app.notFound(notFound);
  registerSecurityScheme(app);

  app.use("*", observe({ metrics, audit }));
  if (security.cors.allow_origins.length > 0) {
    app.use(
      "*",
      cors({
        origin: security.cors.allow_origins,
        allowHeaders: ["Authorization", "Content-Type"],
        allowMethods: ["GET", "POST", "PUT", "DELETE", "OPTIONS"],
        maxAge: 600,
      }),
    );
  }
  const publicPaths = config.api.server.docs.require_token
    ? PUBLIC_PATHS
    : new Set([...PUBLIC_PATHS, ...DOCS_PATHS]);
  app.use("*", authenticate({ signingKey, roles, log, publicPaths }));
  app.use(
    "*",
    natsGate(
      opts.nc,
      (p) => /^\/(health|docs|openapi\.json)/.test(p) || p === config.telemetry.metrics.path,
    ),
  );
  const maxBody = config.api.server.max_body;
  const limit = bodyLimit({
    maxSize: maxBody,
    onError: (c) =>
      problemResponse(c, 413, `request body larger than ${maxBody} bytes (api.server.max_body)`),
  });
  app.use("*", (c, next) => c.req.raw.body === null ? next() : limit(c, next));

  registerHealthRoutes(app, deps);
  registerSystemRoutes(app, deps);
  registerNetworkRoutes(app, deps);
  registerCommandRoutes(app, deps);
  registerJobRoutes(app, deps);
  registerAuditRoutes(app, deps);
  registerMetaRoutes(app, deps);

  let doc: OpenApiDocument | undefined;
  return {
    fetch: (req, info) => app.fetch(req, info ? { remoteAddr: info.remoteAddr } : {}),
    app,
    metrics,
    audit,
    document: () => (doc ??= buildDocument(app)),
    flush: async () => await audit?.flush(),
  };
}
