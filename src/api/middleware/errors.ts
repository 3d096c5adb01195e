/**
 * Turning every failure into problem details: the app's error handler, its not-found handler
 * and the validation hook that reports zod issues as 400 with the offending fields named.
 */
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "@hono/zod-openapi";
import { causeChain, type ErrorCode, errorMessage, OsapiError } from "../../core/errors.ts";
import type { Logger } from "../../log.ts";
import { ApiError, problemResponse } from "../problem.ts";
import { formatIssues } from "../issues.ts";
import type { HealthService } from "../ports.ts";
import { unavailableResponse } from "../unavailable.ts";

/**
 * THE map from error codes to HTTP statuses (every code has one, so a new code cannot be
 * forgotten). 4xx answers carry the error's message; 5xx ones are logged.
 */
export const STATUS_BY_CODE: Record<ErrorCode, ContentfulStatusCode> = {
  "config.invalid": 500,
  "config.secret_file": 500,
  "request.invalid": 400,
  "request.unsupported_media_type": 415,
  "request.too_large": 413,
  "request.unprocessable": 422,
  "request.method_not_allowed": 405,
  "not_found": 404,
  "conflict": 409,
  "internal": 500,
  "unavailable": 503,
  "timeout": 504,
  "auth.unauthenticated": 401,
  "auth.token_invalid": 401,
  "auth.forbidden": 403,
  "target.invalid": 400,
  "subject.invalid": 400,
  "operation.unknown": 400,
  "operation.input_invalid": 400,
  "job.not_found": 404,
  "job.publish_failed": 503,
  "job.results_unavailable": 503,
  "job.store_unsupported": 503,
  "nats.unavailable": 503,
  "nats.auth_options": 500,
  "nats.tls_invalid": 500,
  "nats.resources_missing": 503,
  "nats.consumers_unavailable": 503,
  "nats_auth.key": 500,
  "nats_auth.jwt": 500,
  "nats_auth.operator_store": 500,
  "nats_auth.callout_request": 500,
  "nats_auth.account_push": 500,
  "server.preflight": 500,
  "server.binary": 500,
  "server.download": 500,
  "server.archive": 500,
  "server.render": 500,
  "server.admin_identity": 500,
  "server.supervisor": 500,
  "client.problem": 500,
  "client.unreachable": 500,
  "cli.failed": 500,
};

/** The HTTP status of `e`: its code's ({@link STATUS_BY_CODE}), Hono's, else 500. */
export function statusOf(e: unknown): ContentfulStatusCode {
  if (e instanceof OsapiError) return STATUS_BY_CODE[e.code] ?? 500;
  if (e instanceof HTTPException) return e.status as ContentfulStatusCode;
  return 500;
}

/** Answers 503 with `Retry-After` for errors that mean the backend is away (see unavailable.ts). */
type Unavailable = Pick<HealthService, "unavailable">;

/** True for errors the job layer raises about an operation's type or data. */
export function isOperationInputError(e: unknown): boolean {
  const code = e instanceof OsapiError ? e.code : undefined;
  return code === "operation.unknown" || code === "operation.input_invalid";
}

/** Name, code and message of `e` and of each error it wraps, for the log. */
function describeForLog(e: unknown): Record<string, unknown> {
  return {
    error: errorMessage(e),
    ...(e instanceof OsapiError ? { code: e.code } : {}),
    causes: causeChain(e).slice(1).map((c) =>
      c instanceof Error ? `${c.name}: ${c.message}` : String(c)
    ),
  };
}

/**
 * The app's error handler, the one place errors become statuses: by code
 * ({@link STATUS_BY_CODE}) for osapi's errors, Hono's status for its own; anything else is
 * a logged 500 whose detail says nothing of the failure. 503 and 504 answers name the
 * dependency that failed (the message) and are logged as warnings. An error that means the
 * backend is away (the health service says why) is a 503 with `Retry-After`.
 */
export function errorHandler(log: Logger, health?: Unavailable): ErrorHandler {
  return (err, c) => {
    const status = statusOf(err);
    const where = { method: c.req.method, path: c.req.path };
    if (err instanceof HTTPException) {
      const detail = err.message ||
        (status === 415 ? "request body must be application/json" : "bad request");
      return problemResponse(c, status, detail);
    }
    if (status < 500) return problemResponse(c, status, err.message);
    const away = health?.unavailable(err);
    if (away) {
      log.warn("request failed: backend unavailable", { ...where, error: away });
      return unavailableResponse(c, away);
    }
    if (err instanceof OsapiError && (status === 503 || status === 504)) {
      log.warn("request failed: dependency unavailable", { ...where, ...describeForLog(err) });
      return problemResponse(c, status, err.message);
    }
    log.error("request failed", { ...where, ...describeForLog(err) });
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
