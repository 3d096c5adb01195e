/**
 * The API app: Hono with zod-validated OpenAPI routes behind composable middleware — metrics
 * and audit (outermost), CORS, bearer authentication, body size limit — and problem+json
 * errors; the health, job, audit and meta routes are sub-apps mounted with `app.route()`.
 * {@link createApp} returns a `fetch` handler for Deno.serve. The app depends on the
 * interfaces of `./ports.ts` only.
 */
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { buildRoleTable } from "../api_auth/rbac.ts";
import { tokenPolicy } from "../api_auth/tokens.ts";
import type { Config } from "../config/schema.ts";
import { OPERATIONS, type OperationTable } from "../core/operations/mod.ts";
import type { Logger } from "../log.ts";
import type { ApiApp, AppDeps } from "./context.ts";
import { authenticate, DOCS_PATHS, PUBLIC_PATHS } from "./middleware/auth.ts";
import { errorHandler, notFound } from "./middleware/errors.ts";
import { availabilityGate } from "./unavailable.ts";
import { observe } from "./middleware/observe.ts";
import { ApiMetrics } from "./metrics.ts";
import { buildDocument, type OpenApiDocument, registerSecurityScheme } from "./openapi.ts";
import {
  type AgentService,
  type AuditLog,
  type FileService,
  type HealthService,
  type JobService,
  NO_BACKEND,
  type SecurityService,
} from "./ports.ts";
import { problemResponse } from "./problem.ts";
import { newApp } from "./route.ts";
import { registerAgentRoutes } from "./routes/agent.ts";
import { auditRoutes } from "./routes/audit.ts";
import { FILE_UPLOAD_PATH, fileRoutes } from "./routes/files.ts";
import { healthRoutes } from "./routes/health.ts";
import { jobRoutes } from "./routes/job.ts";
import { metaRoutes } from "./routes/meta.ts";
import { registerOperationRoutes } from "./routes/operations.ts";
import { registerSecurityRoutes } from "./routes/security.ts";
import { registerUi } from "./ui/routes.ts";

/** Options of {@link createApp}. */
export interface CreateAppOptions {
  config: Config;
  /** The operations served (default: the shipped table; tests add their own). */
  operations?: OperationTable;
  jobs: JobService;
  /** Readiness and backend status (default: never ready, "no NATS connection"). */
  health?: HealthService;
  /** The audit log (default: none; `/audit*` answer 503). */
  audit?: AuditLog;
  /** The security overview (default: none; `GET /security` answers 503). */
  security?: SecurityService;
  /** The agents (default: none; `/api/agent*` answer 503). */
  agents?: AgentService;
  /** The file object store (default: none; `/api/file*` answer 503). */
  files?: FileService;
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
  const health = opts.health ?? NO_BACKEND;
  const metrics = new ApiMetrics({ jobs: opts.jobs, health, log: log.child("metrics") });
  const audit = opts.audit;
  const deps: AppDeps = {
    config,
    operations: opts.operations ?? OPERATIONS,
    jobs: opts.jobs,
    health,
    log,
    signingKey,
    roles,
    metrics,
    audit,
    security: opts.security,
    agents: opts.agents,
    files: opts.files,
    started: new Date(),
  };

  const app: ApiApp = newApp();
  app.onError(errorHandler(log, health));
  app.notFound(notFound);
  registerSecurityScheme(app);

  app.use("*", observe({ metrics, audit }));
  registerUi(app); // the dashboard's files: public, so before authentication
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
  const metrics_ = config.telemetry.metrics;
  const publicPaths = new Set([
    ...PUBLIC_PATHS,
    ...(config.api.server.docs.require_token ? [] : DOCS_PATHS),
    ...(metrics_.auth === "public" ? [metrics_.path] : []),
  ]);
  app.use(
    "*",
    authenticate({ signingKey, roles, log, publicPaths, policy: tokenPolicy(config) }),
  );
  app.use(
    "*",
    availabilityGate(
      health,
      (p) =>
        /^\/(api\/)?(health|version)|^\/(docs|openapi\.json)/.test(p) ||
        p === config.telemetry.metrics.path,
    ),
  );
  const maxBody = config.api.server.max_body;
  // Requests without a body (GET, DELETE...) pass through: Hono's bodyLimit skips them itself.
  const limitBody = bodyLimit({
    maxSize: maxBody,
    onError: (c) =>
      problemResponse(c, 413, `request body larger than ${maxBody} bytes (api.server.max_body)`),
  });
  // file uploads have their own limit (nats.objects.max_file_size, see routes/files.ts)
  app.use("*", (c, next) => c.req.path === FILE_UPLOAD_PATH ? next() : limitBody(c, next));

  let doc: OpenApiDocument | undefined;
  const document = () => (doc ??= buildDocument(app));
  // OSAPI's current paths under /api, and its older ones at the root (see Mount)
  for (const [mount, prefix] of [["api", "/api"], ["root", ""]] as const) {
    app.route(`${prefix}/health`, healthRoutes(deps, mount));
    app.route(`${prefix}/job`, jobRoutes(deps, mount));
    app.route(`${prefix}/audit`, auditRoutes(deps, mount));
  }
  registerOperationRoutes(app, deps, deps.operations);
  app.route(FILE_UPLOAD_PATH, fileRoutes(deps));
  app.route("/", metaRoutes(deps, document));
  registerSecurityRoutes(app, deps);
  registerAgentRoutes(app, deps);

  return {
    fetch: (req, info) => app.fetch(req, info ? { remoteAddr: info.remoteAddr } : {}),
    app,
    metrics,
    audit,
    document,
    flush: async () => await audit?.flush(),
  };
}
