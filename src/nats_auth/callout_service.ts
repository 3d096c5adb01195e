/**
 * osapi as its own auth callout service (`nats.server.auth.type: callout`): the authorizer that
 * accepts osapi API tokens presented as the NATS connect token (roles mapped to namespace-fenced
 * NATS permissions) and the configured users with bcrypt passwords; the service's keys (issuer
 * account key, optional xkey, the service user's nkey), generated under `<data_dir>/callout` on
 * first use; the nats-server configuration fragment; and {@link startCalloutService}.
 */
import bcrypt from "bcryptjs";
import type { NatsConnection } from "@nats-io/transport-node";
import { ConfigError } from "../config/errors.ts";
import { ensurePrivateDir, pathExists } from "../config/paths.ts";
import { calloutKeyFile } from "../config/state_layout.ts";
import type { Config, NatsClientConfig } from "../config/schema.ts";
import type { Logger } from "../log.ts";
import { connectNats } from "../nats/connect.ts";
import {
  type Permissions as NatsPermissions,
  permissionsFor,
  type TokenAccess,
  tokenPermissions,
} from "../nats/permissions.ts";
import { routerFor } from "../nats/resources.ts";
import { credentialId } from "../nats/credential_id.ts";
import { OPERATIONS, type OperationTable } from "../core/operations/mod.ts";
import { emptyNamespaceMix } from "../nats_conf/accounts.ts";
import { isBcryptHash, quote } from "../nats_conf/conf_text.ts";
import { shown } from "../config/fields.ts";
import { buildRoleTable, effectivePermissions } from "../api_auth/rbac.ts";
import type { Permission, RoleTable } from "../core/permissions.ts";
import { calloutAuthUsers, checkAuthUserRoles } from "./callout_auth_users.ts";
import { LoginLimiter, type LoginLimitOptions } from "./callout_limits.ts";
import { type SigningKeySource, watchedSigningKey } from "./signing_key_watch.ts";
import { tokenPolicy, verifyToken } from "../api_auth/tokens.ts";
import {
  type Authorizer,
  type CalloutHandle,
  type CalloutRequest,
  type Decision,
  startCallout,
} from "./callout.ts";
import { jwtPermissions, unixNow } from "./nats_jwt.ts";
import { generateKeyFile, type KeyPair, readSeedFile } from "./nats_keys.ts";

type CalloutConfig = Config["nats"]["server"]["auth"]["callout"];

/** The keys of the callout service. */
export interface CalloutKeys {
  /** Signs responses and user JWTs; its public key is the server's `issuer`. */
  issuer: KeyPair;
  /** Optional curve key; its public key is the server's `xkey`. */
  xkey?: KeyPair;
  /** The service's own connection (an `auth_users` member). */
  client: NatsClientConfig;
  /** Public key of the service user when it authenticates with an nkey. */
  servicePublicKey?: string;
}

async function seedOrGenerate(
  configured: string,
  key: string,
  fallback: string,
  type: "account" | "user",
  log?: Logger,
): Promise<{ pair: KeyPair; file: string }> {
  if (configured !== "") {
    if (!(await pathExists(configured))) {
      throw new ConfigError([{ path: key, message: `${key}: file ${configured} not found` }]);
    }
    return { pair: await readSeedFile(configured, type), file: configured };
  }
  if (!(await pathExists(fallback))) {
    await ensurePrivateDir(fallback.slice(0, fallback.lastIndexOf("/")));
    await generateKeyFile(type, fallback);
    log?.info(`generated the auth callout ${type} key`, { seed_file: fallback });
  }
  return { pair: await readSeedFile(fallback, type), file: fallback };
}

/**
 * Loads the callout keys, generating the issuer key and (when `callout.nats.auth.type` is none)
 * the service user's nkey under `<data_dir>/callout` on first use (seeds 0600).
 */
export async function ensureCalloutKeys(config: Config, log?: Logger): Promise<CalloutKeys> {
  const c = config.nats.server.auth.callout;
  const base = "nats.server.auth.callout";
  const issuer = await seedOrGenerate(
    c.issuer_seed_file,
    `${base}.issuer_seed_file`,
    calloutKeyFile(config, "issuer"),
    "account",
    log,
  );
  let xkey: KeyPair | undefined;
  if (c.xkey_seed_file !== "") {
    if (!(await pathExists(c.xkey_seed_file))) {
      throw new ConfigError([{
        path: `${base}.xkey_seed_file`,
        message: `${base}.xkey_seed_file: file ${c.xkey_seed_file} not found`,
      }]);
    }
    xkey = await readSeedFile(c.xkey_seed_file, "curve");
  }
  const client = structuredClone(c.nats);
  let servicePublicKey: string | undefined;
  switch (client.auth.type) {
    case "none": {
      const svc = await seedOrGenerate(
        "",
        "",
        calloutKeyFile(config, "service"),
        "user",
        log,
      );
      client.auth = { ...client.auth, type: "nkey", nkey_file: svc.file };
      servicePublicKey = svc.pair.getPublicKey();
      break;
    }
    case "nkey":
      servicePublicKey = (await readSeedFile(client.auth.nkey_file, "user")).getPublicKey();
      break;
    case "user_pass":
      break;
    default:
      throw new ConfigError([{
        path: `${base}.nats.auth.type`,
        message: `${base}.nats.auth.type: invalid value "${client.auth.type}" for the callout ` +
          "service; expected none (generated nkey), nkey or user_pass (it must be an auth user)",
      }]);
  }
  return { issuer: issuer.pair, xkey, client, servicePublicKey };
}

const ACCOUNT_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** The accounts users can be placed in: the target account and every user's own. */
export function calloutTargetAccounts(c: CalloutConfig): string[] {
  return [...new Set([c.target_account, ...c.users.map((u) => u.account).filter((a) => a)])];
}

function checkCalloutConfig(config: Config): void {
  const c = config.nats.server.auth.callout;
  const base = "nats.server.auth.callout";
  const issues = [];
  const named: [string, string][] = [
    [`${base}.account`, c.account],
    [`${base}.target_account`, c.target_account],
    ...c.users.map((u, i) => [`${base}.users[${i}].account`, u.account] as [string, string]),
  ];
  for (const [path, name] of named) {
    if (name !== "" && !ACCOUNT_NAME.test(name)) {
      issues.push({
        path,
        message: `${path}: invalid value ${
          JSON.stringify(name)
        }; expected 1-64 characters of A-Z a-z 0-9 _ -`,
      });
    }
  }
  c.users.forEach((u, i) => {
    const path = `${base}.users[${i}]`;
    if (u.username === "") {
      issues.push({ path: `${path}.username`, message: `${path}.username: required` });
    }
    if (!isBcryptHash(u.password)) {
      issues.push({
        path: `${path}.password`,
        message: `${path}.password: invalid value ${shown(u.password, true)}; expected a bcrypt ` +
          "hash ($2a$/$2b$..., e.g. from `nats server passwd`)",
      });
    }
  });
  // API tokens land in the target account, in nats.server.namespace
  const serverNs = config.nats.server.namespace;
  const members = [
    { key: "nats.server.namespace", namespace: serverNs, role: "api" as const, account: "" },
    ...c.users.map((u, i) => ({
      key: `${base}.users[${i}].namespace`,
      namespace: u.namespace || serverNs,
      role: u.role,
      account: u.account,
    })),
  ];
  for (const account of calloutTargetAccounts(c)) {
    const mix = emptyNamespaceMix(
      members.filter((m) => (m.account || c.target_account) === account),
    );
    if (mix !== undefined) issues.push(mix);
  }
  if (calloutTargetAccounts(c).includes(c.account)) {
    issues.push({
      path: `${base}.target_account`,
      message: `${base}.target_account: users cannot be placed in the callout account ` +
        `${JSON.stringify(c.account)}; use another account`,
    });
  }
  issues.push(...checkAuthUserRoles(config));
  if (issues.length > 0) throw new ConfigError(issues);
}

/** Options of {@link calloutConfigFragment}. */
export interface CalloutFragmentOptions {
  /** The supervisor's admin nkey: rendered as an auth user of the target account. */
  adminPublicKey?: string;
  /** Keys already loaded (default: {@link ensureCalloutKeys}). */
  keys?: CalloutKeys;
  /** bcrypt cost for the service password (default 11). */
  bcryptCost?: number;
}

/**
 * The nats-server configuration for callout mode: the callout account with the service user,
 * the target accounts (JetStream enabled; the admin user in the target account), and
 * `authorization { auth_callout { issuer, account, auth_users, xkey } }`.
 */
export async function calloutConfigFragment(
  config: Config,
  opts: CalloutFragmentOptions = {},
): Promise<string> {
  const c = config.nats.server.auth.callout;
  checkCalloutConfig(config);
  const keys = opts.keys ?? await ensureCalloutKeys(config);
  const auth = keys.client.auth;
  let serviceUser: string;
  let authUser: string;
  if (auth.type === "user_pass") {
    if (auth.username === "" || auth.password === "") {
      throw new ConfigError([{
        path: "nats.server.auth.callout.nats.auth",
        message: "nats.server.auth.callout.nats.auth: username and password are required " +
          "for user_pass",
      }]);
    }
    const hash = await bcrypt.hash(auth.password, opts.bcryptCost ?? 11);
    serviceUser = `{ user: ${quote(auth.username)}, password: ${quote(hash)} }`;
    authUser = auth.username;
  } else {
    serviceUser = `{ nkey: ${quote(keys.servicePublicKey!)} }`;
    authUser = keys.servicePublicKey!;
  }
  const authUsers = [authUser];
  const lines = [
    "# auth callout mode: osapi answers $SYS.REQ.USER.AUTH",
    "accounts {",
    `  ${c.account}: {`,
    `    users: [ ${serviceUser} ]`,
    "  }",
  ];
  const serverUsers = calloutAuthUsers(config);
  for (const account of calloutTargetAccounts(c)) {
    lines.push(`  ${account}: {`, "    jetstream: enabled");
    const members: string[] = [];
    if (opts.adminPublicKey && account === c.target_account) {
      members.push(`{ nkey: ${quote(opts.adminPublicKey)} }`);
      authUsers.push(opts.adminPublicKey);
    }
    for (const u of serverUsers.filter((u) => u.account === account)) {
      members.push(u.text);
      authUsers.push(u.username);
    }
    if (members.length > 0) {
      lines.push(
        "    users: [",
        ...members.join("\n").split("\n").map((l) => `      ${l}`),
        "    ]",
      );
    }
    lines.push("  }");
  }
  lines.push(
    "}",
    "authorization {",
    `  timeout: ${config.nats.server.auth.timeout / 1000}`,
    "  auth_callout {",
    `    issuer: ${quote(keys.issuer.getPublicKey())}`,
    `    account: ${c.account}`,
    `    auth_users: [ ${authUsers.map(quote).join(", ")} ]`,
  );
  if (keys.xkey) lines.push(`    xkey: ${quote(keys.xkey.getPublicKey())}`);
  lines.push("  }", "}");
  return lines.join("\n") + "\n";
}

/**
 * What an API token's permissions let it do over NATS. NATS cannot redact: a direct get returns
 * a whole job record or result, a subscription on the results subject every job's output. So a
 * token reads them only when REST would show it every record unredacted (src/api/routes/job.ts):
 * `job:read` and the permission of every operation of `table` (and `command:execute`, which
 * jobs of unknown types need). Publishing jobs of a kind needs `job:write` and the permission of
 * every operation of that kind (a raw job can name any of them).
 */
export function tokenAccess(
  perms: ReadonlySet<Permission>,
  table: OperationTable = OPERATIONS,
): TokenAccess {
  const all = (need: Iterable<Permission>) => [...need].every((p) => perms.has(p));
  const ops = [...table.values()];
  const of = (kind: string) => ops.filter((o) => o.kind === kind).map((o) => o.permission);
  return {
    readJobs: all(["job:read", "command:execute", ...ops.map((o) => o.permission)]),
    queryJobs: all(["job:write", ...of("query")]),
    modifyJobs: all(["job:write", ...of("modify")]),
  };
}

/**
 * The NATS permissions of an API token, fenced to `namespace` (see `tokenPermissions` and
 * {@link tokenAccess}), its inbox bound to the token subject. Any other permission (e.g.
 * `health:read`) gets only its own inbox. No token writes KV (audit log, registry), deletes
 * DLQ messages or administers streams or consumers. Jobs published straight over NATS bypass
 * the API's audit log and job record: grant `job:write` tokens NATS access knowingly.
 */
export function tokenNatsPermissions(
  config: Config,
  perms: ReadonlySet<Permission>,
  namespace: string,
  subject: string,
): NatsPermissions {
  return tokenPermissions(
    routerFor(config, namespace),
    tokenAccess(perms),
    credentialId({ type: "token", subject }),
  );
}

/** Options of {@link osapiAuthorizer}. */
export interface OsapiAuthorizerOptions {
  /** HS256 key of API tokens, or a source re-read as it changes (empty: tokens are refused). */
  signingKey: string | SigningKeySource;
  /** Roles of API tokens (default: from `api.server.security.roles`). */
  roles?: RoleTable;
  /** Limits of the user/password path (see {@link LoginLimiter}). */
  limits?: LoginLimiter | LoginLimitOptions;
}

/**
 * The osapi authorizer: an API token in the connect `auth_token` (verified like the API does),
 * or a configured user name and password (bcrypt). Reasons never contain what was presented.
 */
export function osapiAuthorizer(config: Config, opts: OsapiAuthorizerOptions): Authorizer {
  const c = config.nats.server.auth.callout;
  const roles = opts.roles ?? buildRoleTable(config.api.server.security.roles);
  const ttl = Math.max(1, Math.floor(c.user_ttl / 1000));
  const serverNs = config.nats.server.namespace;
  const users = new Map(c.users.map((u) => [u.username, u]));
  const source = opts.signingKey;
  const signingKey = typeof source === "string" ? () => Promise.resolve(source) : source;
  const limiter = opts.limits instanceof LoginLimiter ? opts.limits : new LoginLimiter(opts.limits);

  return async (req: CalloutRequest): Promise<Decision> => {
    const now = unixNow();
    const token = req.connect.auth_token;
    if (token) {
      const key = await signingKey();
      if (!key) return { allow: false, reason: "API tokens are not accepted" };
      let claims;
      try {
        claims = await verifyToken(key, token, tokenPolicy(config));
      } catch (e) {
        return { allow: false, reason: (e as Error).message };
      }
      const perms = effectivePermissions(claims, roles);
      if (perms.size === 0) return { allow: false, reason: "token grants no permission" };
      return {
        allow: true,
        name: `token:${claims.sub}`,
        account: c.target_account,
        permissions: jwtPermissions(tokenNatsPermissions(config, perms, serverNs, claims.sub)),
        expires: Math.min(claims.exp, now + ttl),
        tags: [`namespace:${serverNs}`],
      };
    }
    const name = req.connect.user;
    if (name !== undefined && name !== "") {
      // unknown users are refused without a bcrypt check (flood resistance over timing)
      const user = users.get(name);
      if (!user) return { allow: false, reason: "invalid user name or password" };
      const pass = req.connect.pass ?? "";
      const verdict = await limiter.check(
        name,
        pass,
        req.client?.host ?? "",
        () => bcrypt.compare(pass, user.password),
      );
      if (!verdict.ok) return { allow: false, reason: verdict.reason };
      const ns = user.namespace || serverNs;
      return {
        allow: true,
        name: user.username,
        account: user.account || c.target_account,
        permissions: jwtPermissions(
          permissionsFor(user.role, routerFor(config, ns), {
            hostname: user.hostname,
            credential: credentialId({ type: "user", username: user.username }),
          }),
        ),
        expires: now + ttl,
        tags: [`namespace:${ns}`, `role:${user.role}`],
      };
    }
    return { allow: false, reason: "no credentials presented (token or user and password)" };
  };
}

/** Options of {@link startCalloutService}. */
export interface CalloutServiceOptions {
  /** Use this connection instead of connecting with `callout.nats`. */
  nc?: NatsConnection;
  /** API token signing key (default: the stored key, re-read when it appears or changes). */
  signingKey?: string;
  /** Replace the osapi authorizer (benchmarks, tests). */
  authorize?: Authorizer;
  /** Only answer these servers (public keys or names). */
  servers?: string[];
}

/** A running osapi callout service; `stop()` also closes the connection it opened. */
export interface CalloutService extends CalloutHandle {
  readonly nc: NatsConnection;
}

/**
 * Starts the osapi auth callout service: loads (or generates) its keys, connects as the service
 * user (an `auth_users` member) and answers authorization requests with {@link osapiAuthorizer}.
 */
export async function startCalloutService(
  config: Config,
  log: Logger,
  opts: CalloutServiceOptions = {},
): Promise<CalloutService> {
  const clog = log.child("auth-callout");
  checkCalloutConfig(config);
  const keys = await ensureCalloutKeys(config, clog);
  let signingKey: string | SigningKeySource | undefined = opts.signingKey;
  if (signingKey === undefined && !opts.authorize) {
    signingKey = watchedSigningKey(config, { log: clog });
    if (!(await signingKey())) clog.warn("API tokens are refused until the API signing key exists");
  }
  const authorize = opts.authorize ?? osapiAuthorizer(config, { signingKey: signingKey ?? "" });
  const own = opts.nc === undefined;
  const nc = opts.nc ?? await connectNats(keys.client, clog, { name: keys.client.client_name });
  const handle = await startCallout({
    nc,
    issuer: keys.issuer,
    xkey: keys.xkey,
    authorize,
    log: clog,
    servers: opts.servers,
  });
  return {
    nc,
    get stats() {
      return handle.stats;
    },
    issuerPublicKey: handle.issuerPublicKey,
    xkeyPublicKey: handle.xkeyPublicKey,
    settled: handle.settled,
    stop: async () => {
      await handle.stop();
      if (own) await nc.close();
    },
  };
}
