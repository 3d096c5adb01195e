/** The `/audit` sub-app: `/audit`, `/audit/{id}`, `/audit/export` read the API audit log. */
import { z } from "@hono/zod-openapi";
import type { ApiApp, AppDeps } from "../context.ts";
import type { AuditLog } from "../ports.ts";
import { ApiError } from "../problem.ts";
import { type Mount, newApp, operationIdAt, securedRoute } from "../route.ts";
import { IdParam } from "../schemas.ts";

/** The media type of `/audit/export`: one JSON entry per line. */
export const NDJSON = "application/x-ndjson";

const AuditEntry = z.object({
  id: z.uuid(),
  writer: z.string().optional().openapi({
    description: "credential id of the NATS user that wrote the entry (from its key, which " +
      "NATS permissions fence to the writer; `legacy`: written before writers were recorded)",
  }),
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

/** True when the Accept header asks for NDJSON (JSON otherwise, OSAPI's shape). */
export function wantsNdjson(accept: string | undefined): boolean {
  return (accept ?? "").split(",").some((t) => t.split(";")[0].trim().toLowerCase() === NDJSON);
}

function auditOf(deps: AppDeps): AuditLog {
  if (!deps.audit) throw new ApiError(503, "audit log unavailable: no NATS connection");
  return deps.audit;
}

/** The `/audit*` routes, to mount at `/audit`. */
export function auditRoutes(deps: AppDeps, mount: Mount): ApiApp {
  const app = newApp();
  app.openapi(
    securedRoute("audit:read", {
      method: "get",
      path: "/",
      operationId: operationIdAt(mount, "GetAuditLogs"),
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
      operationId: operationIdAt(mount, "GetAuditExport"),
      tags: ["Audit"],
      summary: "Every audit entry, oldest first",
      description: "OSAPI's `{items, total_items}` (JSON); one entry per line with " +
        `\`Accept: ${NDJSON}\`.`,
      responses: {
        200: {
          description: "every entry",
          content: {
            "application/json": { schema: ListAuditResponse },
            [NDJSON]: { schema: AuditEntry },
          },
        },
      },
    }, [503]),
    async (c) => {
      const entries = auditOf(deps).export();
      if (!wantsNdjson(c.req.header("accept"))) {
        const items: z.infer<typeof AuditEntry>[] = [];
        for await (const e of entries) items.push(e);
        return c.json({ total_items: items.length, items }, 200);
      }
      const it = entries[Symbol.asyncIterator]();
      const enc = new TextEncoder();
      const stream = new ReadableStream<Uint8Array>({
        async pull(ctl) {
          const next = await it.next();
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
      operationId: operationIdAt(mount, "GetAuditLogByID"),
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
