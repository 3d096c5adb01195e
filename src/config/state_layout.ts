/**
 * The state directory layout: which file osapi keeps where, derived from the configuration and
 * the XDG variables. Every module that reads or writes state asks here; nothing else builds
 * paths under `data_dir`.
 *
 * ```
 * <data_dir>/                      data_dir, else $XDG_DATA_HOME/osapi, else ./.osapi
 *   api/signing.key                HS256 key of bearer tokens (when not configured)
 *   api/admin.token                admin token written by `serve` on first start
 *   nats/nats-server.conf          rendered nats-server configuration
 *   nats/nats-server.pid           pid of the supervised nats-server
 *   nats/admin.seed                the supervisor's admin nkey (admin-<account>.seed per account)
 *   jetstream/                     JetStream store (nats.server.store_dir overrides)
 *   nats-operator/                 operator store (nats.server.auth.operator.dir overrides)
 *     operator.jwt, keys/<file>, accounts/<account>/users/<user>.creds
 *   callout/issuer.nk, service.nk  generated auth callout keys
 * <cache>/                         $XDG_CACHE_HOME/osapi, else $HOME/.cache/osapi
 * ```
 */
import type { Config } from "./schema.ts";

function env(name: string): string | undefined {
  const v = Deno.env.get(name);
  return v === undefined || v === "" ? undefined : v;
}

/**
 * The state directory: `data_dir`, else `$XDG_DATA_HOME/osapi`, else `./.osapi`. `xdgDataHome`
 * is this process's `XDG_DATA_HOME` unless given (e.g. a systemd unit's environment).
 */
export function dataDir(config: Config, xdgDataHome = env("XDG_DATA_HOME")): string {
  if (config.data_dir !== "") return config.data_dir;
  return xdgDataHome ? `${xdgDataHome}/osapi` : "./.osapi";
}

/** The JetStream store directory: `nats.server.store_dir`, else `<data_dir>/jetstream`. */
export function storeDir(config: Config, xdgDataHome = env("XDG_DATA_HOME")): string {
  return config.nats.server.store_dir !== ""
    ? config.nats.server.store_dir
    : `${dataDir(config, xdgDataHome)}/jetstream`;
}

/** The cache root: `$XDG_CACHE_HOME/osapi`, else `$HOME/.cache/osapi`, else `./.osapi/cache`. */
export function cacheDir(): string {
  const xdg = env("XDG_CACHE_HOME");
  if (xdg) return `${xdg}/osapi`;
  const home = env("HOME");
  return home ? `${home}/.cache/osapi` : "./.osapi/cache";
}

/** `<data_dir>/api`: the API's state (signing key, admin token). */
export function apiStateDir(config: Config): string {
  return `${dataDir(config)}/api`;
}

/** `<data_dir>/api/signing.key`: the generated HS256 signing key. */
export function signingKeyPath(config: Config): string {
  return `${apiStateDir(config)}/signing.key`;
}

/** `<data_dir>/api/admin.token`: the admin token `serve` writes on first start. */
export function adminTokenPath(config: Config): string {
  return `${apiStateDir(config)}/admin.token`;
}

/** `<data_dir>/nats`: the supervisor's state (rendered config, pid file, admin seed). */
export function natsStateDir(config: Config): string {
  return `${dataDir(config)}/nats`;
}

/** `<data_dir>/nats/nats-server.conf`: where the rendered configuration is written. */
export function configFilePath(config: Config): string {
  return `${natsStateDir(config)}/nats-server.conf`;
}

/** `<data_dir>/nats/nats-server.pid`: where the pid of the running nats-server is kept. */
export function pidFilePath(config: Config): string {
  return `${natsStateDir(config)}/nats-server.pid`;
}

/**
 * The supervisor's admin seed: `<data_dir>/nats/admin.seed`, or `admin-<account>.seed` for the
 * admin user in another account (an nkey can be a user of one account only).
 */
export function adminSeedFile(config: Config, account?: string): string {
  const dir = natsStateDir(config);
  return account === undefined ? `${dir}/admin.seed` : `${dir}/admin-${account}.seed`;
}

/** The operator store directory: `nats.server.auth.operator.dir`, else `<data_dir>/nats-operator`. */
export function operatorDir(config: Config): string {
  const dir = config.nats.server.auth.operator.dir;
  return dir !== "" ? dir : `${dataDir(config)}/nats-operator`;
}

/** `<store>/operator.jwt`: the operator JWT of an operator store. */
export function operatorJwtFile(store: string): string {
  return `${store}/operator.jwt`;
}

/** `<store>/keys/<file>`: an operator key of an operator store. */
export function operatorKeyFile(store: string, file: string): string {
  return `${store}/keys/${file}`;
}

/** `<store>/accounts/<account>`: one account of an operator store. */
export function operatorAccountDir(store: string, account: string): string {
  return `${store}/accounts/${account}`;
}

/** `<store>/accounts/<account>/users/<user>.creds`: a user's creds in an operator store. */
export function operatorCredsFile(store: string, account: string, user: string): string {
  return `${operatorAccountDir(store, account)}/users/${user}.creds`;
}

/** `<data_dir>/callout`: generated auth callout keys. */
export function calloutDir(config: Config): string {
  return `${dataDir(config)}/callout`;
}

/** `<data_dir>/callout/<name>.nk`: a generated callout key (`issuer`, `service`). */
export function calloutKeyFile(config: Config, name: "issuer" | "service"): string {
  return `${calloutDir(config)}/${name}.nk`;
}
