/**
 * `/openapi.json`, `/docs`, `/api/version` (and `/version`, both public) and the Prometheus
 * metrics path (`telemetry.metrics.path`).
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { ApiApp, AppDeps } from "../context.ts";
import { renderDocs } from "../docs.ts";
import type { OpenApiDocument } from "../openapi.ts";
import { newApp, operationIdAt, securedRoute } from "../route.ts";
import { VERSION } from "../../version.ts";

const VersionResponse = z.object({
  version: z.string().openapi({ example: VERSION }),
}).openapi("VersionResponse");

/**
 * The meta routes, to mount at `/`; `document` gives the whole app's document (built on first
 * request and cached by the caller).
 */
export function metaRoutes(deps: AppDeps, document: () => OpenApiDocument): ApiApp {
  const app = newApp();
  // Public by default (like most APIs' documents); api.server.docs.require_token asks a token.
  const docsRoute = deps.config.api.server.docs.require_token
    ? <R extends Parameters<typeof securedRoute>[1]>(r: R) => securedRoute(null, r)
    : <R extends Parameters<typeof createRoute>[0]>(r: R) => createRoute(r);

  app.openapi(
    docsRoute({
      method: "get",
      path: "/openapi.json",
      operationId: "GetOpenApiDocument",
      tags: ["Meta"],
      summary: "This OpenAPI 3.1 document",
      responses: {
        200: {
          description: "the document",
          content: { "application/json": { schema: z.record(z.string(), z.unknown()) } },
        },
      },
    }),
    (c) => c.json(document() as unknown as Record<string, unknown>, 200),
  );

  app.openapi(
    docsRoute({
      method: "get",
      path: "/docs",
      operationId: "GetDocs",
      tags: ["Meta"],
      summary: "A readable page listing every operation",
      responses: {
        200: { description: "HTML page", content: { "text/html": { schema: z.string() } } },
      },
    }),
    (c) => c.html(renderDocs(document()), 200),
  );

  for (const [mount, path] of [["api", "/api/version"], ["root", "/version"]] as const) {
    app.openapi(
      createRoute({
        method: "get",
        path,
        operationId: operationIdAt(mount, "GetVersion"),
        tags: ["Meta"],
        summary: "The software version",
        responses: {
          200: {
            description: "the version",
            content: { "application/json": { schema: VersionResponse } },
          },
        },
      }),
      (c) => c.json({ version: VERSION }, 200),
    );
  }

  // telemetry.metrics.auth: a bearer token with health:read (default), or public
  const metricsRoute = deps.config.telemetry.metrics.auth === "public"
    ? <R extends Parameters<typeof createRoute>[0]>(r: R) => createRoute(r)
    : <R extends Parameters<typeof securedRoute>[1]>(r: R) => securedRoute("health:read", r);
  app.openapi(
    metricsRoute({
      method: "get",
      path: deps.config.telemetry.metrics.path,
      operationId: "GetMetrics",
      tags: ["Meta"],
      summary: "Prometheus metrics (text exposition format)",
      responses: {
        200: { description: "metrics", content: { "text/plain": { schema: z.string() } } },
      },
    }),
    async (c) => {
      const { body, contentType } = await deps.metrics.render();
      return c.text(body, 200, { "Content-Type": contentType });
    },
  );
  return app;
}
