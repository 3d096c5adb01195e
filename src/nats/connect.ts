/**
 * The one connection factory: every component reaches NATS through {@link connectNats}, which
 * takes its authentication from the auth options builder and its inbox prefix from the router.
 */
import { connect, type NatsConnection } from "@nats-io/transport-node";
import type { NatsClientConfig } from "../config/schema.ts";
import type { Logger } from "../log.ts";
import { checkTlsMaterial, clientTlsRefs, type TlsMaterial } from "./tls_check.ts";
import { buildAuthOptions } from "./auth_options.ts";
import { SubjectRouter } from "./subjects.ts";
import { errorMessage, OsapiError } from "../core/errors.ts";
import { exitOnFatalClose, RECONNECT_ON_AUTH_ERRORS } from "./reconnect.ts";

/** Options of {@link connectNats}. */
export interface ConnectOptions {
  /** Override the connection name (default: `client_name`). */
  name?: string;
  /** Give up after this many reconnect attempts (default: never). */
  maxReconnectAttempts?: number;
  /** Fail instead of retrying when the first connection fails (default: fail). */
  waitOnFirstConnect?: boolean;
  /** Connect timeout in milliseconds. */
  timeout?: number;
  /** Configuration key of this client section, for errors (e.g. `api.server.nats`). */
  configKey?: string;
  /**
   * End the process (exit code 70) when the connection closes on an error rather than by
   * `close()`/`drain()`, so that a service manager restarts it: a component never lives on with
   * a dead connection (see `exitOnFatalClose` in reconnect.ts).
   */
  exitOnFatalClose?: boolean;
}

/**
 * A TLS connection failure with a hint at its usual cause; other errors are returned as they
 * are. A server refuses a missing or untrusted client certificate by closing the connection
 * (the client only sees a reset or a timeout), while a server certificate the CA cannot verify
 * fails on the client side.
 */
export function explainTlsFailure(e: unknown, nats: NatsClientConfig, configKey = ""): unknown {
  const message = (e as Error)?.message ?? "";
  const key = (k: string) => configKey === "" ? `tls.${k}` : `${configKey}.tls.${k}`;
  let hint: string | undefined;
  if (/EPIPE|ECONNRESET|socket hang up|handshake|^timeout$/i.test(message)) {
    hint = nats.tls.cert_file === ""
      ? `the server may require a client certificate (set ${key("cert_file")} and ${
        key("key_file")
      })`
      : `if the server verifies client certificates, is ${
        key("cert_file")
      } signed by a CA it trusts (nats.server.tls.ca_file)?`;
  } else if (/certificate|self.signed|verify/i.test(message)) {
    hint = `the server certificate cannot be verified with ${
      nats.tls.ca_file === "" ? "the system CAs" : key("ca_file")
    }, or does not name the host`;
  }
  if (!hint || !(nats.tls.ca_file || nats.tls.cert_file || /^tls:/.test(serverUrls(nats)[0]))) {
    return e;
  }
  return new OsapiError("nats.unavailable", `${message}: ${hint}`, { cause: e });
}

/** The server URLs of a component's NATS configuration. */
export function serverUrls(nats: NatsClientConfig): string[] {
  if (nats.urls.length > 0) return nats.urls;
  const host = nats.host.includes(":") ? `[${nats.host}]` : nats.host;
  return [`${nats.tls.ca_file || nats.tls.cert_file ? "tls" : "nats"}://${host}:${nats.port}`];
}

/** How long after a connection ended (or failed to connect) a late socket error is its own. */
const LATE_SOCKET_GRACE_MS = 10_000;

/** A socket reset or TLS alert arriving after the node transport stopped listening. */
function isLateSocketError(err: unknown): err is Error & { code?: string; syscall?: string } {
  const e = err as { code?: string; syscall?: string; message?: string } | undefined;
  return ((e?.code === "ECONNRESET" || e?.code === "EPIPE") &&
    (e.syscall === "read" || e.syscall === "write")) ||
    /^received fatal alert: /.test(e?.message ?? "");
}

/**
 * Late socket errors of NATS connections. The node transport drops its socket listeners when
 * the server closes a connection (e.g. a refused login); a late `read ECONNRESET` (or a TLS
 * alert such as `CertificateRequired` when mTLS refuses a client without a certificate) on that
 * socket then has no listener, and Deno would end the process on it although the connection
 * already reported the failure through its own close/error path.
 *
 * Such an error is dropped, and logged as a warning, only while this process holds a NATS
 * connection (connecting, open, or ended less than {@link LATE_SOCKET_GRACE_MS} ago): the
 * global listener stays installed but lets every other error, and these errors outside that
 * window, through to Deno's default handling.
 */
class LateSocketErrors {
  #held = 0;
  #releasedAt = -Infinity;
  #installed = false;
  #log: Logger | undefined;

  /** Holds the window open for one connection; the returned function ends it (idempotent). */
  hold(log?: Logger): () => void {
    this.#install();
    this.#held++;
    if (log) this.#log = log;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#held--;
      this.#releasedAt = Date.now();
    };
  }

  #covers(err: unknown): boolean {
    const open = this.#held > 0 || Date.now() - this.#releasedAt < LATE_SOCKET_GRACE_MS;
    return open && isLateSocketError(err);
  }

  #report(err: Error & { code?: string; syscall?: string }): void {
    this.#log?.warn("late NATS socket error after the connection ended; ignored", {
      error: err.message,
      ...(err.code ? { code: err.code } : {}),
      ...(err.syscall ? { syscall: err.syscall } : {}),
    });
  }

  #install(): void {
    if (this.#installed) return;
    this.#installed = true;
    globalThis.addEventListener("error", (e) => {
      if (!this.#covers(e.error)) return;
      e.preventDefault();
      this.#report(e.error);
    });
    globalThis.addEventListener("unhandledrejection", (e) => {
      if (!this.#covers(e.reason)) return;
      e.preventDefault();
      this.#report(e.reason);
    });
  }
}

const lateSocketErrors = new LateSocketErrors();

/**
 * For code that connects with nats.js directly (tests): treats late socket errors of NATS
 * connections as expected for the rest of the process (see {@link LateSocketErrors}).
 */
export function guardLateSocketErrors(log?: Logger): void {
  lateSocketErrors.hold(log);
}

/** Connects a component to NATS: reconnect forever with jitter, status events logged. */
export async function connectNats(
  nats: NatsClientConfig,
  log: Logger,
  opts: ConnectOptions = {},
): Promise<NatsConnection> {
  const { options, warnings, credentialId } = await buildAuthOptions(nats);
  for (const w of warnings) log.warn(w);
  // certificate preflight: expired, mismatched or empty files fail here, naming the key
  if (options.tls) {
    checkTlsMaterial(options.tls as TlsMaterial, clientTlsRefs(nats, opts.configKey));
  }
  const router = new SubjectRouter(nats.namespace);
  const release = lateSocketErrors.hold(log);
  const nc = await connect({
    ...options,
    servers: serverUrls(nats),
    name: opts.name ?? nats.client_name,
    // the credential's own inbox: its permissions allow no other (issue 8 §1)
    inboxPrefix: router.inboxPrefixFor(credentialId),
    maxReconnectAttempts: opts.maxReconnectAttempts ?? -1,
    reconnectTimeWait: 250,
    reconnectJitter: 250,
    reconnectJitterTLS: 500,
    waitOnFirstConnect: opts.waitOnFirstConnect ?? false,
    // keep reconnecting after repeated auth errors (an expired callout-issued user JWT whose
    // renewal failed while the callout was down): each reconnect authenticates afresh
    ...RECONNECT_ON_AUTH_ERRORS,
    timeout: opts.timeout ?? 5_000,
    // no stack captured per request (two Error objects each): a measurable cost per job
    noAsyncTraces: true,
  }).catch((e) => {
    release();
    throw explainTlsFailure(e, nats, opts.configKey);
  });
  nc.closed().finally(release);
  if (opts.exitOnFatalClose) exitOnFatalClose(nc, log);
  log.debug("connected to NATS", { server: nc.getServer(), name: opts.name ?? nats.client_name });
  (async () => {
    for await (const s of nc.status()) {
      switch (s.type) {
        case "disconnect":
        case "reconnect":
          log.info(`NATS ${s.type}`, { server: s.server });
          break;
        case "error":
          log.warn("NATS error", { error: String(s.error) });
          break;
        case "ldm":
          log.info("NATS server entered lame duck mode", { server: s.server });
          break;
        default:
          log.debug(`NATS ${s.type}`);
      }
    }
  })().catch((e) => log.warn("NATS status events ended", { error: errorMessage(e) }));
  return nc;
}
