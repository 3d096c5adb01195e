/** The OpenAPI 3.1 document of the API, generated from the routes' zod schemas. */
import { VERSION } from "../version.ts";
import type { ApiApp } from "./context.ts";
import { BEARER_SCHEME } from "./route.ts";

/** An OpenAPI 3.1 document. */
export type OpenApiDocument = ReturnType<ApiApp["getOpenAPI31Document"]>;

/** Registers the bearer security scheme; call once before routes are documented. */
export function registerSecurityScheme(app: ApiApp): void {
  app.openAPIRegistry.registerComponent("securitySchemes", BEARER_SCHEME, {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "HS256 token from `osapi token generate`",
  });
}

/** Builds the OpenAPI 3.1 document of `app`. */
export function buildDocument(app: ApiApp): OpenApiDocument {
  return app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "osapi",
      version: VERSION,
      description: "Linux hosts as appliances managed over a REST API. Domain operations run " +
        "as jobs on the target hosts' workers and answer `{job_id, results}` with one item " +
        "per host. Errors are RFC 9457 problem details (`application/problem+json`).",
    },
    tags: [
      { name: "System", description: "host facts" },
      { name: "Network", description: "DNS and connectivity" },
      { name: "Command", description: "running commands on hosts" },
      { name: "Job", description: "the job queue and workers" },
      { name: "Health", description: "liveness, readiness and status" },
      { name: "Audit", description: "the audit log of API requests" },
      { name: "Meta", description: "this document, its docs page and metrics" },
    ],
  });
}
