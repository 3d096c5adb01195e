/**
 * The REST routes of the operation table: every route of every operation, with its request
 * (target, path parameters, query or body fields), its permission and its per-host response,
 * all derived from the operation's declaration. Nothing here names an operation.
 */
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { OperationDef, OperationTable, RouteDef } from "../../core/operations/mod.ts";
import type { JobRunResult } from "../../core/job.ts";
import type { ApiApp, ApiEnv, AppDeps } from "../context.ts";
import { securedRoute } from "../route.ts";
import { collectionBody, runOperation } from "../run_job.ts";
import { collection, hostFields, Target, TargetQuery } from "../schemas.ts";

const pascal = (s: string) =>
  s.split(/[._-]/).map((w) => w && w[0].toUpperCase() + w.slice(1)).join("");

/** The per-host item of an operation: host fields, then the result's fields (all optional). */
function itemSchema(op: OperationDef) {
  return z.looseObject({
    ...hostFields,
    status: z.enum(["ok", "failed"]).meta({ description: "the outcome on this host" }),
    ...(op.kind === "modify"
      ? { changed: z.boolean().optional().meta({ description: "whether the host was modified" }) }
      : {}),
    ...op.result.partial().shape,
  }).meta({ id: `${pascal(op.type)}Result`, description: op.summary });
}

/** The element schema of result list field `field` (a route's `items`). */
function listElement(op: OperationDef, field: string): z.ZodObject {
  const list = op.result.shape[field] as z.ZodType | undefined;
  const inner = list instanceof z.ZodOptional ? list.unwrap() : list;
  const element = inner instanceof z.ZodArray ? inner.element : undefined;
  if (!(element instanceof z.ZodObject)) {
    throw new Error(`operation ${op.type}: items field ${field} is not a list of objects`);
  }
  return element;
}

/** The item of a route listing `field`: host fields, then the element's fields (optional). */
function listItemSchema(op: OperationDef, field: string) {
  return z.looseObject({
    ...hostFields,
    status: z.enum(["ok", "failed"]).meta({ description: "the outcome on the host" }),
    ...listElement(op, field).partial().shape,
  }).meta({ id: `${pascal(op.type)}Item`, description: op.summary });
}

/**
 * The response body of a route: one item per host, or with `items` one per element of that
 * list field of each host's result (a failed host: one item with its error).
 */
function responseBody(route: RouteDef, result: JobRunResult) {
  const body = collectionBody(result);
  const field = route.items;
  if (!field) return body;
  return {
    job_id: body.job_id,
    results: body.results.flatMap((item) => {
      const { hostname, status, error } = item;
      if (status === "failed") return [{ hostname, status, error }];
      const list = item[field];
      return (Array.isArray(list) ? list : []).map((e) => ({ ...e, hostname, status }));
    }),
  };
}

/** What a route takes from where: path fields, the rest from the query or the body. */
interface RouteShape {
  readonly config: Parameters<typeof securedRoute>[1];
  readonly pathFields: Readonly<Record<string, string>>;
  readonly targetInPath: boolean;
  readonly rest: "query" | "body" | "none";
}

/** The route's OpenAPI definition and field mapping (built once: zod ids are global). */
function routeShape(op: OperationDef, route: RouteDef, item: z.ZodType): RouteShape {
  const shape = op.input.shape as Record<string, z.ZodType>;
  const pathFields = route.params ?? {};
  const inPath = new Set(Object.values(pathFields));
  const targetInPath = route.path.includes("{hostname}");
  const params: Record<string, z.ZodType> = {};
  if (targetInPath) {
    params.hostname = Target.meta({
      description: "_any (one worker), _all (every worker), a host name, or key:value",
    });
  }
  for (const [param, field] of Object.entries(pathFields)) params[param] = shape[field];
  const restShape = Object.fromEntries(Object.entries(shape).filter(([f]) => !inPath.has(f)));
  const withBody = route.method === "post" || route.method === "put";
  // a POST without fields besides the path's (e.g. a container start) takes no body
  const rest = Object.keys(restShape).length === 0 ? "none" : withBody ? "body" : "query";
  const query = targetInPath ? z.object({}) : TargetQuery;
  const request = {
    ...(Object.keys(params).length > 0 ? { params: z.object(params) } : {}),
    ...(rest === "query"
      ? { query: query.extend(restShape) }
      : targetInPath
      ? {}
      : { query: TargetQuery }),
    ...(rest === "body"
      ? {
        body: {
          required: true,
          content: {
            "application/json": {
              // the whole input (with its own checks) unless path fields are taken out of it
              schema: (inPath.size === 0 ? op.input : z.strictObject(restShape)).meta({
                ...(route.request ? { id: route.request } : {}),
                ...(op.input.description ? { description: op.input.description } : {}),
              }),
            },
          },
        },
      }
      : {}),
  };
  const status = route.status ?? (op.kind === "modify" ? 202 : 200);
  const answers = route.items
    ? `one item per ${route.items} element of each host (a failed host: one item with its error)`
    : "one result per host";
  return {
    config: {
      method: route.method,
      path: route.path,
      operationId: route.operationId,
      tags: [...route.tags],
      summary: op.summary,
      description: `Runs \`${op.type}\` on the target hosts and returns ${answers}.`,
      request,
      responses: {
        [status]: {
          description: answers,
          content: { "application/json": { schema: collection(item, route.collection) } },
        },
      },
    },
    pathFields,
    targetInPath,
    rest,
  };
}

const shapes = new WeakMap<OperationDef, Map<RouteDef, RouteShape>>();

/** The shapes of `op`'s routes, built on first use. */
function routeShapes(op: OperationDef): Map<RouteDef, RouteShape> {
  let m = shapes.get(op);
  if (!m) {
    const item = itemSchema(op);
    m = new Map(
      op.routes.map((r) => [r, routeShape(op, r, r.items ? listItemSchema(op, r.items) : item)]),
    );
    shapes.set(op, m);
  }
  return m;
}

/** The operation's input as the caller gave it (defaults are filled by the job layer). */
async function requestData(c: Context<ApiEnv>, s: RouteShape): Promise<Record<string, unknown>> {
  const data: Record<string, unknown> = {};
  if (s.rest === "body") Object.assign(data, await c.req.json());
  if (s.rest === "query") {
    const { target_hostname: _t, ...fields } = c.req.valid("query" as never) as Record<
      string,
      unknown
    >;
    Object.assign(data, fields);
  }
  for (const [param, field] of Object.entries(s.pathFields)) data[field] = c.req.param(param);
  return data;
}

/** Registers every route of every operation in `table`. */
export function registerOperationRoutes(app: ApiApp, deps: AppDeps, table: OperationTable): void {
  for (const op of table.values()) {
    for (const [route, s] of routeShapes(op)) {
      const status = Number(Object.keys(s.config.responses)[0]) as 200 | 202;
      app.openapi(securedRoute(op.permission, s.config), async (c) => {
        const target = s.targetInPath
          ? c.req.param("hostname") ?? "_any"
          : (c.req.valid("query" as never) as { target_hostname: string }).target_hostname;
        const data = await requestData(c as unknown as Context<ApiEnv>, s);
        const result = await runOperation(deps, c as unknown as Context<ApiEnv>, op, data, target);
        // deno-lint-ignore no-explicit-any
        return c.json(responseBody(route, result) as any, status);
      });
    }
  }
}
