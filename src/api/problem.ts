/**
 * RFC 9457 problem details: every API error is `application/problem+json` with `type`, `title`,
 * `status` and `detail`, plus the members OSAPI's clients read (its `ErrorResponse`): `error`
 * (the detail text), `code` (the HTTP status) and `details` (the title). {@link ApiError}
 * carries one through handlers and middleware.
 */
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { type ErrorCode, OsapiError } from "../core/errors.ts";

/** The media type of error responses. */
export const PROBLEM_MEDIA_TYPE = "application/problem+json";

/** The problem details body. */
export const ProblemSchema = z.object({
  type: z.string().openapi({ description: "URI reference naming the problem type" }),
  title: z.string().openapi({ description: "short summary of the problem type" }),
  status: z.number().int().openapi({ description: "HTTP status code" }),
  detail: z.string().openapi({ description: "what went wrong with this request" }),
  instance: z.string().optional().openapi({ description: "the request path" }),
  error: z.string().openapi({ description: "OSAPI's ErrorResponse: the detail text" }),
  code: z.number().int().openapi({ description: "OSAPI's ErrorResponse: the HTTP status" }),
  details: z.string().openapi({ description: "OSAPI's ErrorResponse: the title" }),
}).openapi("Problem");

/** A problem details body. */
export type Problem = z.infer<typeof ProblemSchema>;

/** Titles of the statuses the API answers with. */
export const PROBLEM_TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  500: "Internal Server Error",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

const slug = (title: string) => title.toLowerCase().replace(/[^a-z0-9]+/g, "-");

/** The error code of each status the API answers with itself ({@link ApiError}). */
export const STATUS_CODES: Record<number, ErrorCode> = {
  400: "request.invalid",
  401: "auth.unauthenticated",
  403: "auth.forbidden",
  404: "not_found",
  405: "request.method_not_allowed",
  409: "conflict",
  413: "request.too_large",
  415: "request.unsupported_media_type",
  422: "request.unprocessable",
  500: "internal",
  503: "unavailable",
  504: "timeout",
};

/**
 * An error answered as problem details with `status`, raised by handlers and middleware. Its
 * code is the one of its status ({@link STATUS_CODES}), so the error handler maps it back.
 */
export class ApiError extends OsapiError {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly detail: string,
    options?: ErrorOptions,
  ) {
    super(STATUS_CODES[status] ?? "internal", detail, options);
  }
}

/** Builds a problem body. */
export function problemBody(status: number, detail: string, instance?: string): Problem {
  const title = PROBLEM_TITLES[status] ?? "Error";
  return {
    type: `urn:osapi:problem:${slug(title)}`,
    title,
    status,
    detail,
    ...(instance ? { instance } : {}),
    error: detail,
    code: status,
    details: title,
  };
}

/** A problem+json response for `status` with `detail`. */
export function problemResponse(
  c: Context,
  status: ContentfulStatusCode,
  detail: string,
): Response {
  return c.body(JSON.stringify(problemBody(status, detail, c.req.path)), status, {
    "Content-Type": PROBLEM_MEDIA_TYPE,
  });
}

const DESCRIPTIONS: Record<number, string> = {
  400: "Invalid request: malformed JSON, wrong types, bad target or parameters.",
  401: "Missing, malformed, expired or wrongly signed bearer token.",
  403: "The token lacks the permission this operation needs.",
  404: "Not found.",
  413: "Request body larger than api.server.max_body.",
  415: "Request body is not application/json.",
  422: "Well-formed request the API cannot process (unknown operation type or bad operation data).",
  500: "Unexpected server error.",
  503: "A dependency (NATS, JetStream) is unavailable.",
  504: "No result arrived in time.",
};

/** OpenAPI response entries for problem statuses. */
export function problemResponses(...statuses: number[]) {
  return Object.fromEntries(statuses.map((s) => [s, {
    description: DESCRIPTIONS[s] ?? PROBLEM_TITLES[s] ?? "Error",
    content: { [PROBLEM_MEDIA_TYPE]: { schema: ProblemSchema } },
  }]));
}
