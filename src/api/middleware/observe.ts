/**
 * Per-request observation: Prometheus request metrics for every request and an audit entry
 * for every authenticated one (who, what, status, duration, source IP; no headers, no bodies).
 */
import type { MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { Context } from "hono";
import type { AuditLog } from "../ports.ts";
import type { ApiEnv } from "../context.ts";
import type { ApiMetrics } from "../metrics.ts";

/** The OpenAPI path template of the route that answered, e.g. `/job/{id}`. */
export function routeTemplate(c: Context): string {
  const routes = matchedRoutes(c).filter((r) => r.method !== "ALL");
  const last = routes[routes.length - 1];
  if (!last) return "unmatched";
  return last.path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
}

/** The client address of a request served by Deno.serve. */
export function sourceIp(c: Context<ApiEnv>): string {
  return c.env?.remoteAddr?.hostname ?? "";
}

/** Options of {@link observe}. */
export interface ObserveOptions {
  metrics: ApiMetrics;
  audit?: AuditLog;
}

/** Records metrics for every request and audits authenticated ones. */
export function observe(opts: ObserveOptions): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const received = new Date();
    const start = performance.now();
    await next();
    const ms = performance.now() - start;
    const route = routeTemplate(c);
    opts.metrics.observeRequest(c.req.method, route, c.res.status, ms / 1000);
    const caller = c.get("caller");
    if (caller && opts.audit) {
      opts.audit.record({
        timestamp: received.toISOString(),
        user: caller.subject,
        roles: caller.roles,
        method: c.req.method,
        path: c.req.path,
        ...(route !== "unmatched" ? { operation_id: `${c.req.method} ${route}` } : {}),
        source_ip: sourceIp(c),
        response_code: c.res.status,
        duration_ms: Math.round(ms),
      });
    }
  };
}
