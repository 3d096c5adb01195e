/**
 * The supervisor's own admin identity. With server auth enabled, the supervisor never borrows a
 * configured user: the renderer adds a dedicated admin nkey user whose seed is generated on first
 * start and kept in `<data_dir>/nats/admin.seed` (0600); callout mode renders that nkey as an auth
 * user of the target account. Token auth has a single identity (nats-server cannot combine a
 * token with users), so there the supervisor presents the token itself. In operator mode every
 * namespace is an account, and the supervisor uses the `admin` user operator init created in it;
 * with `nats.server.auth.isolation: account` every other namespace's account gets its own admin
 * nkey (`admin-<account>.seed`).
 * Other components of the same process (`serve`) get a client configuration for it from
 * {@link adminClientConfig}.
 */
import { createUser, fromSeed } from "@nats-io/nkeys";
import type { Config, NatsClientConfig } from "../config/schema.ts";
import { ensurePrivateDir, readOwnSecretFile, writeSecretFile } from "../config/paths.ts";
import {
  adminSeedFile,
  natsStateDir,
  operatorCredsFile,
  operatorDir,
} from "../config/state_layout.ts";
import { describeFsError, parseSeedFile } from "../nats/auth_options.ts";
import type { Logger } from "../log.ts";
import { namespaceAccount } from "../nats/subjects.ts";
import { OsapiError } from "../core/errors.ts";
import { connectHost } from "../config/client_url.ts";

/** How the supervisor authenticates to the nats-server it runs. */
export type AdminIdentity =
  | { kind: "none" }
  | { kind: "token" }
  | { kind: "nkey"; publicKey: string; seedFile: string }
  | { kind: "creds"; credsFile: (namespace: string) => string };

/** The admin identity cannot be loaded or used; the message never contains a secret. */
export class AdminIdentityError extends OsapiError {
  constructor(message: string, options?: ErrorOptions) {
    super("server.admin_identity", message, options);
  }
}

/** The connection name the supervisor's admin connection shows in monitoring. */
export const ADMIN_CLIENT_NAME = "osapi-nats-supervisor";

const BCRYPT = /^\$2[aby]\$\d{2}\$/;

/**
 * Where the admin seed is kept: `admin.seed` for `nats.server.namespace`; with
 * `nats.server.auth.isolation: account`, `admin-<account>.seed` for each other namespace (an
 * nkey can be a user of one account only).
 */
export function adminSeedPath(config: Config, namespace = config.nats.server.namespace): string {
  return namespace === config.nats.server.namespace || !accountIsolation(config)
    ? adminSeedFile(config)
    : adminSeedFile(config, namespaceAccount(namespace));
}

/** True when each namespace is its own account in a config-file auth mode. */
function accountIsolation(config: Config): boolean {
  const a = config.nats.server.auth;
  return a.isolation === "account" && (a.type === "user_pass" || a.type === "nkey");
}

async function readAdminSeed(path: string, log?: Logger): Promise<string | undefined> {
  try {
    return await readOwnSecretFile(path, "admin seed file", (m, f) => log?.warn(m, f));
  } catch (e) {
    throw new AdminIdentityError((e as Error).message, { cause: e });
  }
}

/**
 * Loads the admin identity the configuration calls for, generating the admin nkey (seed written
 * 0600) on first use. A token that is already a bcrypt hash cannot be presented: that is an error.
 */
export async function loadOrCreateAdminIdentity(
  config: Config,
  log?: Logger,
): Promise<AdminIdentity> {
  const auth = config.nats.server.auth;
  if (auth.type === "none") return { kind: "none" };
  if (auth.type === "token") {
    checkPresentableToken(auth.token);
    return { kind: "token" };
  }
  if (auth.type === "operator") {
    const dir = operatorDir(config);
    const credsFile = (ns: string) => operatorCredsFile(dir, namespaceAccount(ns), "admin");
    const file = credsFile(config.nats.server.namespace);
    try {
      await Deno.stat(file);
    } catch (e) {
      throw new AdminIdentityError(
        `operator mode: the supervisor's admin credentials ${file}: ${describeFsError(e)}; ` +
          "run `osapi nats operator init` for nats.server.namespace first",
        { cause: e },
      );
    }
    return { kind: "creds", credsFile };
  }
  const { publicKey, seedFile } = await loadOrCreateAdminKey(config, adminSeedPath(config), log);
  return { kind: "nkey", publicKey, seedFile };
}

/** Loads the admin nkey seed at `seedFile`, generating it (0600) when missing. */
async function loadOrCreateAdminKey(
  config: Config,
  seedFile: string,
  log?: Logger,
): Promise<{ publicKey: string; seedFile: string }> {
  const text = await readAdminSeed(seedFile, log);
  if (text !== undefined) {
    let publicKey: string;
    try {
      const seed = parseSeedFile(text, seedFile);
      publicKey = fromSeed(new TextEncoder().encode(seed)).getPublicKey();
    } catch (e) {
      throw new AdminIdentityError(
        `${(e as Error).message}; remove the file to generate a new admin identity`,
        { cause: e },
      );
    }
    return { publicKey, seedFile };
  }
  await ensurePrivateDir(natsStateDir(config));
  const pair = createUser();
  await writeSecretFile(seedFile, new TextDecoder().decode(pair.getSeed()) + "\n");
  log?.info("generated the supervisor's admin nkey", { seed_file: seedFile });
  return { publicKey: pair.getPublicKey(), seedFile };
}

/**
 * With `nats.server.auth.isolation: account`, the admin public keys of the accounts of every
 * configured user's namespace and of `namespaces`, other than `nats.server.namespace` (seeds
 * generated on first use); otherwise none. For the renderer's `namespaceAdminKeys`.
 */
export async function namespaceAdminKeys(
  config: Config,
  namespaces: string[],
  log?: Logger,
): Promise<Record<string, string>> {
  const keys: Record<string, string> = {};
  if (!accountIsolation(config)) return keys;
  const a = config.nats.server.auth;
  const users = a.type === "user_pass" ? a.users : a.nkeys;
  const own = users.map((u) => u.namespace).filter((ns) => ns !== "");
  for (const ns of new Set([...own, ...namespaces])) {
    if (ns === config.nats.server.namespace) continue;
    keys[ns] = (await loadOrCreateAdminKey(config, adminSeedPath(config, ns), log)).publicKey;
  }
  return keys;
}

function checkPresentableToken(token: string): void {
  if (BCRYPT.test(token)) {
    throw new AdminIdentityError(
      "nats.server.auth.token is a bcrypt hash, but the supervisor has to present the token " +
        "itself (nats-server cannot combine token auth with users); set the plaintext token, " +
        "it is stored bcrypt-hashed in the rendered nats-server.conf",
    );
  }
}

/** The admin public key to render as a user, if the identity has one. */
export function adminPublicKey(identity: AdminIdentity): string | undefined {
  return identity.kind === "nkey" ? identity.publicKey : undefined;
}

/** A wildcard listen address becomes loopback for connecting (defined with the client URL). */
export { connectHost };

/**
 * A client configuration that connects as the admin identity to the local supervised server:
 * for the supervisor itself and for other components of the same process. `namespace` (default
 * nats.server.namespace) picks the account's admin in operator mode.
 */
export function adminClientConfig(
  config: Config,
  identity: AdminIdentity,
  namespace = config.nats.server.namespace,
): NatsClientConfig {
  const s = config.nats.server;
  const mtls = s.tls.verify || s.tls.verify_and_map;
  const auth: NatsClientConfig["auth"] = {
    type: "none",
    username: "",
    password: "",
    token: "",
    nkey_file: "",
    creds_file: "",
  };
  if (identity.kind === "token") {
    checkPresentableToken(s.auth.token);
    auth.type = "token";
    auth.token = s.auth.token;
  } else if (identity.kind === "nkey") {
    auth.type = "nkey";
    auth.nkey_file = accountIsolation(config)
      ? adminSeedPath(config, namespace)
      : identity.seedFile;
  } else if (identity.kind === "creds") {
    auth.type = "creds";
    auth.creds_file = identity.credsFile(namespace);
  }
  return {
    host: connectHost(s.host),
    port: s.port,
    urls: [],
    client_name: ADMIN_CLIENT_NAME,
    namespace,
    auth,
    tls: {
      ca_file: s.tls.cert_file !== "" ? s.tls.ca_file : "",
      cert_file: mtls ? s.tls.cert_file : "",
      key_file: mtls ? s.tls.key_file : "",
    },
  };
}
