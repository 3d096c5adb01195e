/** The API URL the CLI client uses: `api.client.url`, else derived from `api.server.host/port`. */
import type { Config } from "./schema.ts";

/** The address a local client connects to for a listen address (wildcards: loopback). */
export function connectHost(host: string): string {
  return host === "" || host === "0.0.0.0" || host === "::" || host === "[::]" ? "127.0.0.1" : host;
}

/** `http://host:port` of an API listening on `host:port`, as a client on this machine reaches it. */
export function localApiUrl(host: string, port: number): string {
  const h = connectHost(host);
  return `http://${h.includes(":") && !h.startsWith("[") ? `[${h}]` : h}:${port}`;
}

/**
 * The client's API base URL: `api.client.url` when set, else the API this configuration serves
 * (`api.server.host:port`), so a client run with the same configuration follows a moved port.
 */
export function apiClientUrl(config: Config): string {
  const { client, server } = config.api;
  return client.url !== "" ? client.url : localApiUrl(server.host, server.port);
}
