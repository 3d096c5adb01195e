/**
 * Route definitions with their security: {@link securedRoute} adds the permission check
 * middleware, the OpenAPI `security` requirement and the problem responses every authenticated
 * operation can give.
 */
import { createRoute, OpenAPIHono, type RouteConfig } from "@hono/zod-openapi";
import type { Permission } from "../core/permissions.ts";
import type { ApiApp, ApiEnv } from "./context.ts";
import { requireCaller, requirePermission } from "./middleware/auth.ts";
import { validationHook } from "./middleware/errors.ts";
import { problemResponses } from "./problem.ts";

/** A new app or sub-app (mounted with `app.route()`): failed validation answers 400 problem+json. */
export function newApp(): ApiApp {
  return new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
}

/** The name of the bearer security scheme in the OpenAPI document. */
export const BEARER_SCHEME = "BearerAuth";

/** A route needing `permission` (or only a valid token when null). */
export function securedRoute<R extends Omit<RouteConfig, "middleware" | "security">>(
  permission: Permission | null,
  route: R,
  problems: number[] = [],
) {
  const withBody = route.request?.body !== undefined;
  const statuses = [
    ...(route.request?.query || route.request?.params || withBody ? [400] : []),
    401,
    403,
    ...(withBody ? [413, 415] : []),
    ...problems,
    500,
  ];
  return createRoute({
    ...route,
    middleware: [permission ? requirePermission(permission) : requireCaller] as const,
    security: [{ [BEARER_SCHEME]: permission ? [permission] : [] }],
    responses: { ...problemResponses(...statuses), ...route.responses },
  });
}

/**
 * Where a sub-app is mounted: under `/api` (OSAPI's current paths, with the reference's
 * operation ids) or at the root (OSAPI's older paths, still served for its older clients).
 */
export type Mount = "api" | "root";

/**
 * The operationId of a sub-app route at `mount`: `current` (OSAPI's current id) under `/api`;
 * at the root `legacy` (default `current`) suffixed `Legacy`, so ids stay unique in the
 * document while both path sets are served.
 */
export function operationIdAt(mount: Mount, current: string, legacy = current): string {
  return mount === "api" ? current : `${legacy}Legacy`;
}
