/**
 * Answers while the backend is away: `503` problem+json with `Retry-After` at once (instead of
 * waiting for timeouts), with the reason the health service gives.
 */
import type { Context } from "hono";
import type { HealthService } from "./ports.ts";
import { PROBLEM_MEDIA_TYPE, problemBody } from "./problem.ts";

/** Seconds a client is told to wait before retrying (`Retry-After`). */
export const RETRY_AFTER_SECONDS = 2;

/** `503` problem+json with `Retry-After`, for the backend's reason. */
export function unavailableResponse(c: Context, reason: string): Response {
  return c.body(JSON.stringify(problemBody(503, reason, c.req.path)), 503, {
    "Content-Type": PROBLEM_MEDIA_TYPE,
    "Retry-After": String(RETRY_AFTER_SECONDS),
  });
}

/**
 * Middleware answering `503` at once while NATS is away (instead of waiting for NATS timeouts),
 * for every path but those in `exempt` (health, docs, metrics answer by themselves).
 */
export function availabilityGate(health: HealthService, exempt: (path: string) => boolean) {
  return async (c: Context, next: () => Promise<void>): Promise<Response | void> => {
    if (!exempt(c.req.path)) {
      const reason = health.unavailable();
      if (reason) return unavailableResponse(c, reason);
    }
    await next();
  };
}
