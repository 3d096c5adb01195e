/**
 * Serving the API app on `api.server.host:port` (port 0 picks a free one), and its metrics on
 * `telemetry.metrics.listener` when enabled. The public listener is a connection guard
 * (src/api/conn_guard.ts: header and idle timeouts, connection and head size limits) relaying
 * complete requests to Deno.serve on a loopback port.
 */
import { loadSigningKey } from "../api_auth/signing_key.ts";
import { type ApiHandle, createApp, type CreateAppOptions } from "./app.ts";
import type { Config } from "../config/schema.ts";
import { type ConnectionGuard, type GuardLimits, startConnectionGuard } from "./conn_guard.ts";
import { listenOrExplain } from "./listen_error.ts";
import { type MetricsListener, startMetricsListener } from "./metrics_listener.ts";

/** Options of {@link startApiServer}: those of the app, plus where to listen. */
export interface StartApiOptions extends CreateAppOptions {
  /** Default: the configured key, else the one in `<data_dir>/api/signing.key` (generated). */
  signingKey?: string;
  /** Override `api.server.port` (0: any free port). */
  port?: number;
}

/** A running API server. */
export interface ApiServer {
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  url: string;
  handle: ApiHandle;
  /** Base URL of the separate metrics listener (when `telemetry.metrics.listener.enabled`). */
  metricsUrl?: string;
  /** Stops accepting requests, finishes in-flight ones and flushes the audit log. */
  shutdown(): Promise<void>;
}

/** How much longer than `api.server.jobs.timeout` a request may wait for its response. */
const RESPONSE_MARGIN_MS = 30_000;

/** The connection limits of `api.server`. */
export function guardLimits(config: Config): GuardLimits {
  const s = config.api.server;
  return {
    headerTimeoutMs: s.header_timeout,
    idleTimeoutMs: s.idle_timeout,
    // a job route answers within jobs.timeout; the margin covers collecting and rendering
    responseTimeoutMs: s.jobs.timeout + RESPONSE_MARGIN_MS,
    maxConnections: s.max_connections,
    maxHeaderBytes: s.max_header_size,
  };
}

/** Answers a connection that did not come through the guard. */
const notRelayed = () =>
  new Response("connect to the API's address\n", { status: 421, headers: { connection: "close" } });

/** Starts the API server. */
export async function startApiServer(opts: StartApiOptions): Promise<ApiServer> {
  const { config, log } = opts;
  let signingKey = opts.signingKey;
  if (signingKey === undefined) {
    const loaded = await loadSigningKey(config, { warn: (m, f) => log.warn(m, f) });
    if (loaded.source === "generated") {
      log.info("generated API signing key", { path: loaded.path });
    }
    signingKey = loaded.key;
  }
  const handle = createApp({ ...opts, signingKey });
  const hostname = config.api.server.host;
  const { promise: listening, resolve } = Promise.withResolvers<Deno.NetAddr>();
  const port = opts.port ?? config.api.server.port;
  const listener = listenOrExplain("api.server.port", port, () => Deno.listen({ hostname, port }));
  const relays: { guard?: ConnectionGuard } = {};
  // the inner server: only the guard's relays reach it (a loopback port, a known relay)
  const inner = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: (a) => resolve(a as Deno.NetAddr) },
    (req, info) => {
      const peer = relays.guard?.peer((info.remoteAddr as Deno.NetAddr).port);
      if (!peer) return notRelayed();
      return handle.fetch(req, { remoteAddr: peer, completed: info.completed });
    },
  );
  const guard = relays.guard = startConnectionGuard({
    listener,
    upstream: await listening,
    log: log.child("http"),
    ...guardLimits(config),
  });
  const server = {
    async shutdown() {
      guard.close();
      await inner.shutdown();
      await guard.closed();
    },
  };
  const addr = listener.addr;
  const host = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
  const url = `http://${host}:${addr.port}`;
  log.info("API listening", { url });
  let metrics: MetricsListener | undefined;
  if (config.telemetry.metrics.listener.enabled) {
    try {
      metrics = await startMetricsListener(config, handle.metrics, log);
    } catch (e) {
      await server.shutdown();
      throw e;
    }
  }
  let stopped: Promise<void> | undefined;
  return {
    url,
    handle,
    ...(metrics ? { metricsUrl: metrics.url } : {}),
    shutdown: () =>
      stopped ??= (async () => {
        await server.shutdown();
        await metrics?.shutdown();
        await handle.flush();
        log.info("API stopped", { url });
      })(),
  };
}
