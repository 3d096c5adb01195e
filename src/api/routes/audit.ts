/** The `/audit` sub-app: `/audit`, `/audit/{id}`, `/audit/export` read the API audit log. */
import { z } from "@hono/zod-openapi";
import type { ApiApp, AppDeps } from "../context.ts";
import type { AuditLog } from "../ports.ts";
import { ApiError } from "../problem.ts";
import { newApp, securedRoute } from "../route.ts";
import { IdParam } from "../schemas.ts";

/** The media type of `/audit/export`: one JSON entry per line. */
export const NDJSON = "application/x-ndjson";

const AuditEntry = z.object({
  id: z.uuid(),
  timestamp: z.string().openapi({ description: "when the request arrived (ISO 8601)" }),
  user: z.string().openapi({ description: "token subject" }),
  roles: z.array(z.string()),
  method: z.string(),
  path: z.string(),
  operation_id: z.string().optional().openapi({ description: "method and route template" }),
  source_ip: z.string(),
  response_code: z.number().int(),
  duration_ms: z.number().int(),
}).openapi("AuditEntry");

const ListAuditResponse = z.object({
  total_items: z.number().int(),
  items: z.array(AuditEntry),
}).openapi("ListAuditResponse");

const AuditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({
    param: { name: "limit", in: "query" },
  }),
  offset: z.coerce.number().int().min(0).default(0).openapi({
    param: { name: "offset", in: "query" },
  }),
});

function auditOf(deps: AppDeps): AuditLog {
  if (!deps.audit) throw new ApiError(503, "audit log unavailable: no NATS connection");
  return deps.audit;
}

/** The `/audit*` routes, to mount at `/audit`. */
export function auditRoutes(deps: AppDeps): ApiApp {
  const app = newApp();
  app.openapi(
    securedRoute("audit:read", {
      method: "get",
      path: "/",
      operationId: "GetAuditLogs",
      tags: ["Audit"],
      summary: "Audit entries, newest first",
      request: { query: AuditQuery },
      responses: {
        200: {
          description: "a page of entries",
          content: { "application/json": { schema: ListAuditResponse } },
        },
      },
    }, [503]),
    async (c) => {
      const { limit, offset } = c.req.valid("query");
      return c.json(await auditOf(deps).list(limit, offset), 200);
    },
  );

  app.openapi(
    securedRoute("audit:read", {
      method: "get",
      path: "/export",
      operationId: "GetAuditExport",
      tags: ["Audit"],
      summary: "Every audit entry, oldest first, as JSON lines",
      responses: {
        200: { description: "one entry per line", content: { [NDJSON]: { schema: AuditEntry } } },
      },
    }, [503]),
    (c) => {
      const entries = auditOf(deps).export()[Symbol.asyncIterator]();
      const enc = new TextEncoder();
      const stream = new ReadableStream<Uint8Array>({
        async pull(ctl) {
          const next = await entries.next();
          if (next.done) ctl.close();
          else ctl.enqueue(enc.encode(JSON.stringify(next.value) + "\n"));
        },
      });
      return c.body(stream, 200, { "Content-Type": NDJSON });
    },
  );

  app.openapi(
    securedRoute("audit:read", {
      method: "get",
      path: "/{id}",
      operationId: "GetAuditLogByID",
      tags: ["Audit"],
      summary: "One audit entry",
      request: { params: IdParam },
      responses: {
        200: {
          description: "the entry",
          content: { "application/json": { schema: z.object({ entry: AuditEntry }) } },
        },
      },
    }, [404, 503]),
    async (c) => {
      const { id } = c.req.valid("param");
      const entry = await auditOf(deps).get(id);
      if (!entry) throw new ApiError(404, `audit entry ${id} not found`);
      return c.json({ entry }, 200);
    },
  );
  return app;
}
