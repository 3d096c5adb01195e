/**
 * Turning every failure into problem details: the app's error handler, its not-found handler
 * and the validation hook that reports zod issues as 400 with the offending fields named.
 */
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "@hono/zod-openapi";
import { OperationError, OperationInputError, TargetError } from "../../job/types.ts";
import { RouteError } from "../../nats/subjects.ts";
import type { Logger } from "../../log.ts";
import { ApiError, problemResponse } from "../problem.ts";
import { formatIssues } from "../operations.ts";
import { natsUnavailable, trackNatsConnection, unavailableResponse } from "../nats_state.ts";
import type { NatsConnection } from "@nats-io/transport-node";

/** True for errors the job layer raises about an operation's type or data. */
export function isOperationInputError(e: unknown): boolean {
  return e instanceof OperationError || e instanceof OperationInputError;
}

/**
 * The app's error handler: known errors keep their status, NATS being away is a 503 with
 * Retry-After (see nats_state.ts), the rest is a logged 500.
 */
export function errorHandler(log: Logger, nc?: NatsConnection): ErrorHandler {
  trackNatsConnection(nc);
  return (err, c) => {
    if (err instanceof ApiError) return problemResponse(c, err.status, err.detail);
    if (err instanceof TargetError || err instanceof RouteError || isOperationInputError(err)) {
      return problemResponse(c, 400, err.message);
    }
    if (err instanceof HTTPException) {
      const status = err.status as ContentfulStatusCode;
      const detail = err.message ||
        (status === 415 ? "request body must be application/json" : "bad request");
      return problemResponse(c, status, detail);
    }
    const unavailable = natsUnavailable(nc, err);
    if (unavailable) {
      log.warn("request failed: NATS unavailable", { path: c.req.path, error: unavailable });
      return unavailableResponse(c, unavailable);
    }
    log.error("request failed", {
      method: c.req.method,
      path: c.req.path,
      error: (err as Error)?.message ?? String(err),
    });
    return problemResponse(c, 500, "internal error; see the API server log");
  };
}

/** 404 as problem details. */
export const notFound: NotFoundHandler = (c) =>
  problemResponse(c, 404, `no operation ${c.req.method} ${c.req.path}`);

const TARGET_NAMES: Record<string, string> = {
  json: "body",
  query: "query",
  param: "path",
  header: "header",
};

/** The validation hook: a failed parse becomes 400 naming each bad field. */
export function validationHook(
  result: { success: true } | { success: false; error: z.ZodError; target: string },
  _c: Context,
): void {
  if (!result.success) {
    throw new ApiError(
      400,
      formatIssues(result.error.issues, TARGET_NAMES[result.target] ?? result.target),
    );
  }
}
