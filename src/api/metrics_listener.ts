/**
 * The separate metrics listener (`telemetry.metrics.listener`, OSAPI's `metrics.enabled/host/
 * port`): serves only `GET <telemetry.metrics.path>` of one API app, without a token, so a
 * Prometheus server scrapes it on a port of its own; anything else answers 404 problem+json.
 */
import type { Config } from "../config/schema.ts";
import type { Logger } from "../log.ts";
import { listenOrExplain } from "./listen_error.ts";
import type { ApiMetrics } from "./metrics.ts";
import { PROBLEM_MEDIA_TYPE, problemBody } from "./problem.ts";

/** A running metrics listener. */
export interface MetricsListener {
  /** Base URL, e.g. `http://127.0.0.1:9090`. */
  url: string;
  shutdown(): Promise<void>;
}

/** Starts the metrics listener of `config.telemetry.metrics.listener`. */
export async function startMetricsListener(
  config: Config,
  metrics: ApiMetrics,
  log: Logger,
): Promise<MetricsListener> {
  const { path, listener } = config.telemetry.metrics;
  const { promise: listening, resolve } = Promise.withResolvers<Deno.NetAddr>();
  const handler = async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    if (url.pathname === path && (req.method === "GET" || req.method === "HEAD")) {
      const { body, contentType } = await metrics.render();
      return new Response(req.method === "HEAD" ? null : body, {
        headers: { "Content-Type": contentType },
      });
    }
    const detail = `the metrics listener serves only GET ${path}`;
    return new Response(JSON.stringify(problemBody(404, detail, url.pathname)), {
      status: 404,
      headers: { "Content-Type": PROBLEM_MEDIA_TYPE },
    });
  };
  const server = listenOrExplain(
    "telemetry.metrics.listener.port",
    listener.port,
    () =>
      Deno.serve({
        hostname: listener.host,
        port: listener.port,
        onListen: (a) => resolve(a as Deno.NetAddr),
      }, handler),
  );
  const addr = await listening;
  const host = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
  const url = `http://${host}:${addr.port}`;
  log.info("metrics listening", { url: `${url}${path}` });
  return { url, shutdown: () => server.shutdown() };
}
