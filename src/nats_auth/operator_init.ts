/**
 * Operator (JWT) mode setup: `osapi nats operator init` creates an operator with a signing key,
 * the system account (with a `sys` user for account pushes), one account per namespace with
 * JetStream enabled, an `api` and a `worker` user per namespace with scoped permissions (or one
 * host-fenced `worker-<host>` user per `workerHosts` entry instead of `worker`), their
 * creds files, and the matching nats-server configuration fragment (memory resolver with
 * `resolver_preload`, or a full resolver with a directory).
 */
import { ensurePrivateDir } from "../config/paths.ts";
import { operatorDir } from "../config/state_layout.ts";
import type { Config } from "../config/schema.ts";
import { namespaceAccount, validateNamespace } from "../nats/subjects.ts";
import { permissionsFor } from "../nats/permissions.ts";
import { credentialId } from "../nats/credential_id.ts";
import { sanitizeToken } from "../core/targets.ts";
import { routerFor } from "../nats/resources.ts";
import { quote } from "../nats_conf/conf_text.ts";
import {
  encodeOperatorJwt,
  type JetStreamLimits,
  jwtPermissions,
  type Permissions,
  UNLIMITED_JETSTREAM,
} from "./nats_jwt.ts";
import { generateKeyFile } from "./nats_keys.ts";
import {
  OperatorStore,
  OperatorStoreError,
  type StoredAccount,
  SYSTEM_ACCOUNT,
} from "./operator_store.ts";

/** The account resolvers osapi renders. */
export type ResolverType = "memory" | "full";

/**
 * The users operator init creates in every namespace account: the API, the worker, and an
 * admin (everything inside the account; for the supervisor's resource setup).
 */
export const NAMESPACE_USERS = ["api", "worker", "admin"] as const;
/** One of {@link NAMESPACE_USERS}. */
export type NamespaceUser = typeof NAMESPACE_USERS[number];

/**
 * Permissions of a namespace user (from the least-privilege permission sets); `hostname`: the
 * host a `worker` user is fenced to.
 */
export type UserPermissionsFn = (
  role: NamespaceUser,
  namespace: string,
  hostname?: string,
  /** the user's public key: its credential id, naming its own inbox */
  publicKey?: string,
) => Permissions;

/**
 * The least-privilege permission sets of `config`, fenced to each namespace (and host), each
 * user subscribing only to its own inbox (named by its public key).
 */
export function configPermissions(config: Config): UserPermissionsFn {
  return (role, namespace, hostname, publicKey) =>
    jwtPermissions(
      permissionsFor(role, routerFor(config, namespace), {
        hostname,
        credential: publicKey === undefined ? undefined : credentialId({ type: "nkey", publicKey }),
      }),
    );
}

/** Options of {@link initOperator}. */
export interface OperatorInitOptions {
  dir: string;
  /** Operator name (default `osapi`). */
  name?: string;
  /** Namespaces; each gets an account. */
  namespaces: string[];
  resolver: ResolverType;
  /** Full resolver JWT directory (default `<dir>/resolver`). */
  resolverDir?: string;
  /** JetStream limits of each namespace account (default unlimited). */
  jetstream?: JetStreamLimits;
  /** Permissions of the api and worker users. */
  permissions: UserPermissionsFn;
  /**
   * Hosts that get a worker user of their own (`worker-<host>`, fenced to that host: its
   * consumer, results, registry entry and file state). Given, no namespace-wide `worker` user is
   * created; empty (the default): one `worker` user for every host of the namespace.
   */
  workerHosts?: string[];
  /** Replace an existing store (its keys are lost). Default: refuse. */
  force?: boolean;
}

/** What {@link initOperator} created. */
export interface OperatorInitResult {
  dir: string;
  operatorPublicKey: string;
  systemAccount: string;
  /** Creds of the system account user (for `osapi nats account push`). */
  systemCreds: string;
  accounts: {
    namespace: string;
    account: string;
    publicKey: string;
    /** Creds files by user name: `api`, `admin`, and `worker` or `worker-<host>` per host. */
    creds: Record<string, string>;
  }[];
  /** The server configuration fragment, also written to `<dir>/server.conf`. */
  serverConfig: string;
  serverConfigFile: string;
}

/** The account name of a namespace (`DEFAULT` for the empty namespace). */
export { namespaceAccount };

/** The user name of a namespace user (`api`, `worker`; `worker-<host>` when fenced to a host). */
export function namespaceUserName(role: NamespaceUser, hostname?: string): string {
  return hostname === undefined ? role : `${role}-${sanitizeToken(hostname, "host name")}`;
}

/** The distinct, validated `--worker-host` names (a clear error naming a bad one). */
function workerHostsOf(hosts: string[] = []): string[] {
  const out = new Set<string>();
  for (const raw of hosts) {
    const h = raw.trim();
    if (h === "" || /[\s*>]/.test(h)) {
      throw new OperatorStoreError(
        `worker host ${JSON.stringify(raw)}: expected a host name (the worker's ` +
          "`job.worker.hostname`), without whitespace or the wildcards * and >",
      );
    }
    out.add(h);
  }
  return [...out];
}

/** Creates a new operator store; see the module documentation. */
export async function initOperator(opts: OperatorInitOptions): Promise<OperatorInitResult> {
  const namespaces = [...new Set(opts.namespaces.map((n) => validateNamespace(n.trim())))];
  const workerHosts = workerHostsOf(opts.workerHosts);
  if (namespaces.length === 0) throw new OperatorStoreError("at least one namespace is needed");
  for (const ns of namespaces) {
    if (namespaceAccount(ns) === SYSTEM_ACCOUNT) {
      throw new OperatorStoreError(`namespace ${ns} clashes with the system account name`);
    }
  }
  const store = new OperatorStore(opts.dir);
  if (!opts.force && await store.exists()) {
    throw new OperatorStoreError(
      `${opts.dir} already holds an operator; use another --dir, or --force to replace it ` +
        "(existing keys are lost)",
    );
  }
  if (opts.force) await Deno.remove(`${opts.dir}/accounts`, { recursive: true }).catch(() => {});
  await ensurePrivateDir(`${opts.dir}/keys`);
  await ensurePrivateDir(`${opts.dir}/accounts`);

  const operator = await generateKeyFile("operator", store.keyFile("operator.nk"));
  const signing = await generateKeyFile("operator", store.keyFile("operator-signing.nk"));
  // The system account key is needed in the operator JWT; write a preliminary operator JWT so
  // the account can be signed, then the final one naming the system account.
  await Deno.writeTextFile(
    store.operatorJwtFile,
    await encodeOperatorJwt(opts.name ?? "osapi", operator.pair, {
      signingKeys: [signing.publicKey],
    }) + "\n",
  );
  const sys = await store.createAccount({ name: SYSTEM_ACCOUNT, description: "system account" });
  await Deno.writeTextFile(
    store.operatorJwtFile,
    await encodeOperatorJwt(opts.name ?? "osapi", operator.pair, {
      signingKeys: [signing.publicKey],
      systemAccount: sys.publicKey,
    }) + "\n",
  );
  const sysUser = await store.addUser(SYSTEM_ACCOUNT, {
    name: "sys",
    permissions: { pub: { allow: [">"] }, sub: { allow: [">"] } },
  });

  const accounts: OperatorInitResult["accounts"] = [];
  for (const ns of namespaces) {
    const acc = await store.createAccount({
      name: namespaceAccount(ns),
      description: `osapi namespace ${ns || "(none)"}`,
      jetstream: opts.jetstream ?? UNLIMITED_JETSTREAM,
    });
    const creds: Record<string, string> = {};
    const users = NAMESPACE_USERS.flatMap((role): { role: NamespaceUser; host?: string }[] =>
      role === "worker" && workerHosts.length > 0
        ? workerHosts.map((host) => ({ role, host }))
        : [{ role, host: undefined }]
    );
    for (const { role, host } of users) {
      const name = namespaceUserName(role, host);
      const u = await store.addUser(acc.name, (publicKey) => ({
        name,
        permissions: opts.permissions(role, ns, host, publicKey),
      }));
      creds[name] = u.credsFile;
    }
    accounts.push({ namespace: ns, account: acc.name, publicKey: acc.publicKey, creds });
  }
  const serverConfig = await renderOperatorConfig(store, {
    resolver: opts.resolver,
    resolverDir: opts.resolverDir,
  });
  const serverConfigFile = `${opts.dir}/server.conf`;
  await Deno.writeTextFile(serverConfigFile, serverConfig);
  return {
    dir: opts.dir,
    operatorPublicKey: operator.publicKey,
    systemAccount: sys.publicKey,
    systemCreds: sysUser.credsFile,
    accounts,
    serverConfig,
    serverConfigFile,
  };
}

/** Options of {@link renderOperatorConfig}. */
export interface OperatorConfigOptions {
  resolver: ResolverType;
  /** Full resolver directory (default `<store>/resolver`). */
  resolverDir?: string;
}

const q = quote;

/** `max_control_line` of operator mode: room for user JWTs with long permission lists. */
export const MAX_CONTROL_LINE = 32_768;

function absolute(path: string): string {
  return path.startsWith("/") ? path : `${Deno.cwd()}/${path}`;
}

/**
 * The nats-server configuration fragment for a store: `operator` (the JWT inline),
 * `system_account`, `resolver` and `resolver_preload` with every stored account. With a full
 * resolver, preloads only seed the directory: pushed newer JWTs win.
 */
export async function renderOperatorConfig(
  store: OperatorStore,
  opts: OperatorConfigOptions,
): Promise<string> {
  const op = await store.operator();
  if (!op.systemAccount) {
    throw new OperatorStoreError(`operator in ${store.dir} names no system account`);
  }
  const accounts: StoredAccount[] = await store.accounts();
  const lines = [
    `# operator mode: generated from the osapi operator store ${store.dir}`,
    `operator: ${q(op.jwt)}`,
    `system_account: ${q(op.systemAccount)}`,
    "# user JWTs carry their permission lists in CONNECT; the 4 KiB default is too small",
    `max_control_line: ${MAX_CONTROL_LINE}`,
  ];
  if (opts.resolver === "memory") {
    lines.push("resolver: MEMORY");
  } else {
    const dir = absolute(opts.resolverDir ?? `${store.dir}/resolver`);
    await ensurePrivateDir(dir);
    lines.push(
      "resolver: {",
      "  type: full",
      `  dir: ${q(dir)}`,
      "  allow_delete: false",
      '  interval: "2m"',
      '  timeout: "1.9s"',
      "}",
    );
  }
  lines.push("resolver_preload: {");
  for (const a of accounts) lines.push(`  # ${a.name}`, `  ${a.publicKey}: ${q(a.jwt)}`);
  lines.push("}");
  return lines.join("\n") + "\n";
}

/** The creds file of a namespace user in a store (e.g. the supervisor's `admin`). */
export function namespaceCredsFile(dir: string, namespace: string, role: NamespaceUser): string {
  return new OperatorStore(dir).credsFile(namespaceAccount(namespace), namespaceUserName(role));
}

/** The JetStream limits of namespace accounts from the configuration. */
export function configJetStreamLimits(config: Config): JetStreamLimits {
  const js = config.nats.server.auth.operator.jetstream;
  return {
    memStorage: js.max_memory,
    diskStorage: js.max_file,
    streams: js.max_streams,
    consumers: js.max_consumers,
  };
}

/**
 * The operator-mode fragment for the nats-server.conf renderer
 * (`nats.server.auth.type: operator`), read from the configured store.
 */
export async function operatorConfigFragment(config: Config): Promise<string> {
  const o = config.nats.server.auth.operator;
  const store = new OperatorStore(operatorDir(config));
  return await renderOperatorConfig(store, {
    resolver: o.resolver,
    resolverDir: o.resolver_dir || undefined,
  });
}
