/**
 * The HTTP request that runs an operation through one of its routes: the typed client side of
 * the table (the CLI builds every operation call with it; no path is written by hand).
 */
import { type HttpMethod, type OperationDef, type RouteDef, routeHasBody } from "./define.ts";

/** A request ready to send: path with its parameters filled in, query and body. */
export interface OperationRequest {
  method: Uppercase<HttpMethod>;
  path: string;
  query: Record<string, string>;
  body?: Record<string, unknown>;
}

/**
 * The request running `op` through `route` (default: its first) with `input` on `target`:
 * path fields go into the path, the target into `{hostname}` or `target_hostname`, other fields
 * into the body (POST, PUT, a DELETE route with `body`) or the query.
 */
export function operationRequest(
  op: OperationDef,
  input: Record<string, unknown>,
  target: string,
  route: RouteDef = op.routes[0],
): OperationRequest {
  if (!route) throw new Error(`operation ${op.type} has no REST route`);
  const rest: Record<string, unknown> = { ...input };
  const params: Record<string, string> = {};
  for (const [param, field] of Object.entries(route.params ?? {})) {
    params[param] = String(rest[field] ?? "");
    delete rest[field];
  }
  const query: Record<string, string> = {};
  if (route.path.includes("{hostname}")) params.hostname = target;
  else query.target_hostname = target;
  const path = route.path.replace(
    /\{([A-Za-z0-9_]+)\}/g,
    (_, name: string) => encodeURIComponent(params[name] ?? ""),
  );
  const withBody = routeHasBody(route);
  if (!withBody) {
    for (const [k, v] of Object.entries(rest)) if (v !== undefined) query[k] = String(v);
  }
  return {
    method: route.method.toUpperCase() as Uppercase<HttpMethod>,
    path,
    query,
    ...(withBody ? { body: rest } : {}),
  };
}
