/**
 * Serving the API app with Deno.serve on `api.server.host:port` (port 0 picks a free one), and
 * its metrics on `telemetry.metrics.listener` when enabled.
 */
import { loadSigningKey } from "../api_auth/signing_key.ts";
import { type ApiHandle, createApp, type CreateAppOptions } from "./app.ts";
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
  const server = listenOrExplain(
    "api.server.port",
    port,
    () => Deno.serve({ hostname, port, onListen: (a) => resolve(a as Deno.NetAddr) }, handle.fetch),
  );
  const addr = await listening;
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
