/**
 * How components survive auth failures: nats.js gives up reconnecting (closes the connection)
 * after two auth errors in a row (`authorization violation`, `user authentication expired`)
 * unless `ignoreAuthErrorAbort` is set. In callout mode an issued user JWT expires after
 * `user_ttl`; if the callout is down at that moment every reconnect is refused, and without
 * this option the component would keep running with a closed connection. With it, the
 * connection retries (with jitter) forever and authenticates afresh once the callout answers.
 */
import type { NatsConnection } from "@nats-io/transport-node";
import type { Logger } from "../log.ts";
import { errorMessage } from "../core/errors.ts";

/** Connection options that keep reconnecting through auth errors. */
export const RECONNECT_ON_AUTH_ERRORS = { ignoreAuthErrorAbort: true } as const;

/** Exit code of a component whose NATS connection closed on an error (EX_SOFTWARE). */
export const FATAL_CLOSE_EXIT_CODE = 70;

/**
 * Ends the process with {@link FATAL_CLOSE_EXIT_CODE} when `nc` closes on an error (nats.js
 * resolves `closed()` with the error); a close by `close()`/`drain()` resolves without one and
 * is left alone. A service manager (systemd `Restart=on-failure`) then restarts the component.
 */
export function exitOnFatalClose(
  nc: NatsConnection,
  log: Logger,
  exit: (code: number) => void = (code) => Deno.exit(code),
): void {
  nc.closed().then((err) => {
    if (!err) return;
    log.error("NATS connection closed for good; exiting so that the service is restarted", {
      error: errorMessage(err),
    });
    exit(FATAL_CLOSE_EXIT_CODE);
  }).catch(() => {});
}
