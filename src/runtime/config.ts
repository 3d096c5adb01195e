/**
 * The configuration overrides of `serve`: every component talks to the supervised server of the
 * same process tree, each with its own credentials, TLS and namespace.
 */
import { ConfigError } from "../config/errors.ts";
import type { Config, NatsClientConfig } from "../config/schema.ts";
import { connectHost } from "../server/admin_identity.ts";

/**
 * A component's client configuration pointed at the supervised server (its own credentials,
 * TLS and namespace are kept).
 */
export function localClient(config: Config, nats: NatsClientConfig): NatsClientConfig {
  const s = config.nats.server;
  return { ...nats, host: connectHost(s.host), port: s.port, urls: [] };
}

/**
 * `config` with the API's, the worker's and the auth callout's NATS clients pointed at the
 * supervised server ({@link localClient}); everything else is shared, not copied.
 */
export function localConfig(config: Config): Config {
  const { api, job, nats } = config;
  const auth = nats.server.auth;
  return {
    ...config,
    api: { ...api, server: { ...api.server, nats: localClient(config, api.server.nats) } },
    job: { ...job, worker: { ...job.worker, nats: localClient(config, job.worker.nats) } },
    nats: {
      ...nats,
      server: {
        ...nats.server,
        auth: {
          ...auth,
          callout: { ...auth.callout, nats: localClient(config, auth.callout.nats) },
        },
      },
    },
  };
}

/**
 * With server auth on, a component configured without credentials cannot connect (with
 * `verify_and_map`, its client certificate is its credential): a {@link ConfigError} naming it.
 */
export function checkComponentAuth(config: Config): void {
  const type = config.nats.server.auth.type;
  if (type === "none") return;
  const byCert = (nats: NatsClientConfig) =>
    config.nats.server.tls.verify_and_map && nats.tls.cert_file !== "";
  const components = [
    ["api.server.nats", config.api.server.nats],
    ["job.worker.nats", config.job.worker.nats],
  ] as const;
  const issues = components
    .filter(([, nats]) => nats.auth.type === "none" && !byCert(nats))
    .map(([key]) => ({
      path: `${key}.auth.type`,
      message: `${key}.auth.type is "none" but nats.server.auth.type is "${type}": give the ` +
        `component its own credentials (see docs/security.md)`,
    }));
  if (issues.length > 0) throw new ConfigError(issues);
}

/**
 * `config` with the auth callout's client pointed at `nats.server` (as {@link localClient})
 * unless `nats.server.auth.callout.nats` names a server itself (`urls`, or a host/port other
 * than the defaults 127.0.0.1:4222): `nats callout start` alone then reaches the server of
 * the same configuration.
 */
export function calloutDefaultServer(config: Config): Config {
  const auth = config.nats.server.auth;
  const c = auth.callout.nats;
  if (c.urls.length > 0 || c.host !== "127.0.0.1" || c.port !== 4222) return config;
  return {
    ...config,
    nats: {
      ...config.nats,
      server: {
        ...config.nats.server,
        auth: { ...auth, callout: { ...auth.callout, nats: localClient(config, c) } },
      },
    },
  };
}
