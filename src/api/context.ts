/** What the API's routes and middleware share: dependencies and per-request variables. */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { NatsConnection } from "@nats-io/transport-node";
import type { Config } from "../config/schema.ts";
import type { OperationTable } from "../core/operations/mod.ts";
import type { JobService } from "../core/job.ts";
import type { Logger } from "../log.ts";
import type { SubjectRouter } from "../nats/subjects.ts";
import type { Permission, RoleTable } from "../core/permissions.ts";
import type { AuditLog } from "./audit_log.ts";
import type { ApiMetrics } from "./metrics.ts";

/** The authenticated caller of a request. */
export interface Caller {
  subject: string;
  roles: string[];
  permissions: ReadonlySet<Permission>;
}

/** Per-request variables set by middleware. */
export interface ApiVariables {
  caller?: Caller;
}

/** The Hono environment of the API app. */
export interface ApiEnv {
  Variables: ApiVariables;
  Bindings: { remoteAddr?: Deno.NetAddr };
}

/** The API app type routes register on. */
export type ApiApp = OpenAPIHono<ApiEnv>;

/** Everything routes and middleware depend on. */
export interface AppDeps {
  config: Config;
  /** The operation table the API serves. */
  operations: OperationTable;
  jobs: JobService;
  nc?: NatsConnection;
  router: SubjectRouter;
  log: Logger;
  signingKey: string;
  roles: RoleTable;
  metrics: ApiMetrics;
  audit?: AuditLog;
  /** When the app was created (uptime in /health/status). */
  started: Date;
}
