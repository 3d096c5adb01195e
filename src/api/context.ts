/** What the API's routes and middleware share: dependencies and per-request variables. */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Config } from "../config/schema.ts";
import type { OperationTable } from "../core/operations/mod.ts";
import type { Logger } from "../log.ts";
import type { Permission, RoleTable } from "../core/permissions.ts";
import type { ApiMetrics } from "./metrics.ts";
import type {
  AgentService,
  AuditLog,
  FileService,
  HealthService,
  JobService,
  SecurityService,
} from "./ports.ts";

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

/** Everything routes and middleware depend on: interfaces, never a NATS connection. */
export interface AppDeps {
  config: Config;
  /** The operation table the API serves. */
  operations: OperationTable;
  jobs: JobService;
  health: HealthService;
  log: Logger;
  signingKey: string;
  roles: RoleTable;
  metrics: ApiMetrics;
  audit?: AuditLog;
  /** The security overview (absent: `GET /security` answers 503). */
  security?: SecurityService;
  /** The agents (absent: `/api/agent*` answers 503). */
  agents?: AgentService;
  /** The file object store (absent: `/api/file*` answer 503). */
  files?: FileService;
  /** When the app was created (uptime in /health/status). */
  started: Date;
}
