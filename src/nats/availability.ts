/**
 * Whether a NATS connection can serve requests right now: it follows the connection's status
 * events (down from a disconnect until the reconnect) and recognises the errors NATS raises
 * while it is gone, so that the API answers `503` with `Retry-After` (not `500`) while the
 * nats-server restarts, and `/health/ready` gives the same reason.
 */
import type { NatsConnection } from "@nats-io/transport-node";
import { errors } from "@nats-io/nats-core";
import { JetStreamApiError, JetStreamError } from "@nats-io/jetstream";

const connected = new WeakMap<NatsConnection, { up: boolean; authError?: string }>();

function isAuthError(e: unknown): boolean {
  return e instanceof errors.AuthorizationError ||
    e instanceof errors.UserAuthenticationExpiredError;
}

/** Starts following `nc`'s status events (once per connection). */
export function trackNatsConnection(nc: NatsConnection | undefined): void {
  if (!nc || connected.has(nc)) return;
  const state: { up: boolean; authError?: string } = { up: true };
  connected.set(nc, state);
  (async () => {
    for await (const s of nc.status()) {
      if (s.type === "disconnect" || s.type === "reconnecting") state.up = false;
      else if (s.type === "reconnect") {
        state.up = true;
        state.authError = undefined;
      } else if (s.type === "error" && isAuthError(s.error)) {
        state.up = false;
        state.authError = (s.error as Error).message;
      }
    }
  })().catch(() => {}); // the status iterator ends with the connection
}

/** JetStream API error codes that mean "not now" (temporarily unavailable, no leader...). */
const UNAVAILABLE_JS_CODES = new Set([10008]);

function isUnavailableError(e: unknown): boolean {
  for (let cur = e, depth = 0; cur instanceof Error && depth < 5; depth++) {
    if (
      cur instanceof errors.PermissionViolationError || cur instanceof errors.AuthorizationError
    ) {
      return false;
    }
    if (
      cur instanceof errors.ConnectionError || cur instanceof errors.ClosedConnectionError ||
      cur instanceof errors.DrainingConnectionError || cur instanceof errors.TimeoutError ||
      cur instanceof errors.NoRespondersError || cur.name === "JetStreamNotEnabled"
    ) return true;
    if (
      cur instanceof JetStreamApiError && (cur.status === 503 || UNAVAILABLE_JS_CODES.has(cur.code))
    ) {
      return true;
    }
    // a JetStream status error (e.g. 503 while the server's JetStream is not ready yet)
    if (cur instanceof JetStreamError && (cur as { code?: unknown }).code === 503) return true;
    cur = cur.cause;
  }
  return false;
}

function isDisconnect(e: unknown): boolean {
  for (let cur = e, depth = 0; cur instanceof Error && depth < 5; depth++) {
    if (cur instanceof errors.ConnectionError) return true;
    cur = cur.cause;
  }
  return false;
}

/**
 * Why NATS cannot serve a request now (connection closed, reconnecting, or `err` is a NATS
 * connection, timeout or no-responders failure), or undefined.
 */
export function natsUnavailable(nc: NatsConnection | undefined, err?: unknown): string | undefined {
  if (nc?.isClosed()) return "the API's NATS connection is closed";
  const state = nc ? connected.get(nc) : undefined;
  if (state?.up === false && state.authError) {
    return `NATS refused authentication (${state.authError}); reconnecting with fresh ` +
      "credentials, retry shortly";
  }
  if (state?.up === false) return "NATS is reconnecting; retry shortly";
  if (err !== undefined && isUnavailableError(err)) {
    // a dropped connection is noticed by a request before the status event arrives
    const what = isDisconnect(err) ? "reconnecting" : "unavailable";
    return `NATS is ${what} (${(err as Error).message}); retry shortly`;
  }
  return undefined;
}
