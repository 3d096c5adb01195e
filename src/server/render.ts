/**
 * Renders osapi.yaml's `nats.server` section into nats-server.conf text: listen address,
 * monitoring (HTTP or HTTPS), server name, JetStream (store dir and limits), authentication
 * (none, token, user_pass, nkey; operator and callout take a fragment from their own module) with
 * per-user least-privilege permissions and the supervisor's admin user — in one account, or one
 * account per namespace (`isolation: account`) — the auth timeout, TLS (users mapped from client
 * certificates with `verify_and_map`), websocket and cluster blocks.
 * Every value is written through {@link quote}, so no configuration value can inject syntax;
 * secrets appear only as bcrypt hashes.
 */
import bcrypt from "bcryptjs";
import type { Config } from "../config/schema.ts";
import { storeDir } from "../config/state_layout.ts";
import {
  ADMIN_PERMISSIONS,
  type NatsRole,
  type Permissions,
  permissionsFor,
  viewSubjects,
} from "../nats/permissions.ts";
import { routerFor } from "../nats/router.ts";
import { credentialId } from "../nats/credential_id.ts";
import { namespaceAccount } from "../nats/subjects.ts";
import { ConfWriter, isBcryptHash, quote, RenderError } from "../nats_conf/conf_text.ts";
import { emptyNamespaceMix } from "../nats_conf/accounts.ts";

/** Options of {@link renderServerConfig}. */
export interface RenderOptions {
  /** Public nkey of the supervisor's admin user (required for user_pass and nkey auth). */
  adminPublicKey?: string;
  /**
   * Account isolation: public nkeys of the supervisor's admin user in the accounts of other
   * namespaces than `nats.server.namespace` (one nkey can live in one account only).
   */
  namespaceAdminKeys?: Record<string, string>;
  /** Auth configuration text for `operator` and `callout` auth, from their own module. */
  authFragment?: string;
  /** bcrypt cost for plaintext secrets (default 11, as `nats server passwd`). */
  bcryptCost?: number;
}

/** A rendered nats-server.conf and one-time notices for the operator. */
export interface RenderedConfig {
  text: string;
  /** E.g. that plaintext passwords were hashed; log them once. Never contain secrets. */
  notices: string[];
}

const seconds = (ms: number) => ms / 1000;

/** `host:port` for nats-server, with IPv6 hosts in brackets. */
export function hostPort(host: string, port: number): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * The permissions of a server user: its role fenced to its namespace (default: the server's)
 * and, for a worker with a `hostname`, to that host; `credential` (credential_id.ts) names its
 * own inbox, the only reply subjects it may subscribe to. Token and no-auth modes have no
 * users: every client shares one credential (`shared`) and replies are not separated.
 */
export function userPermissions(
  config: Config,
  role: NatsRole,
  namespace: string,
  hostname = "",
  credential?: string,
): Permissions {
  return permissionsFor(role, routerFor(config, namespace || config.nats.server.namespace), {
    hostname,
    credential,
  });
}

/** Writes a user's `permissions` block (an empty allow list as `deny: [">"]`). */
export function writePermissions(w: ConfWriter, p: Permissions): void {
  // nats-server reads an empty allow list as "no restriction": deny everything instead
  const side = (key: string, allow: string[]) =>
    w.block(key, () => allow.length > 0 ? w.list("allow", allow) : w.list("deny", [">"]));
  w.block("permissions", () => {
    side("publish", p.publish);
    side("subscribe", p.subscribe);
  });
}

async function secret(
  value: string,
  key: string,
  cost: number,
  plaintext: string[],
): Promise<string> {
  if (isBcryptHash(value)) return value;
  plaintext.push(key);
  return await bcrypt.hash(value, cost);
}

function requireAdmin(opts: RenderOptions, type: string): string {
  if (!opts.adminPublicKey) {
    throw new RenderError(
      `nats.server.auth.type ${type} needs the supervisor's admin identity (adminPublicKey)`,
    );
  }
  return opts.adminPublicKey;
}

function writeAdminUser(w: ConfWriter, publicKey: string): void {
  w.comment("the osapi supervisor's own admin identity");
  w.value("nkey", publicKey);
  writePermissions(w, ADMIN_PERMISSIONS);
}

/** A configured user: its key, namespace, role, host and how to write its identity lines. */
interface UserEntry {
  /** Its list entry, e.g. `nats.server.auth.users[0]`. */
  key: string;
  namespace: string;
  role: NatsRole;
  hostname: string;
  /** the user's credential id (credential_id.ts): names its own inbox */
  credential: string;
  identity: () => void;
}

/**
 * Writes the users of user_pass or nkey auth with the admin user. Isolation `permissions`: one
 * `authorization { users }` list (the global account). Isolation `account`: one account per
 * namespace with JetStream enabled, holding that namespace's users and an admin user; with a
 * `view_account`, each namespace exports its job subjects to it and `view` users live there.
 */
function writeUsers(
  w: ConfWriter,
  config: Config,
  opts: RenderOptions,
  admin: string,
  users: UserEntry[],
): void {
  const auth = config.nats.server.auth;
  const serverNs = config.nats.server.namespace;
  const entry = (u: UserEntry, p?: Permissions) => () => {
    u.identity();
    writePermissions(
      w,
      p ?? userPermissions(config, u.role, u.namespace, u.hostname, u.credential),
    );
  };
  if (auth.isolation !== "account") {
    const mix = emptyNamespaceMix(
      users.map((u) => ({
        key: `${u.key}.namespace`,
        namespace: u.namespace || serverNs,
        role: u.role,
      })),
    );
    if (mix !== undefined) throw new RenderError(mix.message);
    w.block("authorization", () => {
      w.value("timeout", seconds(auth.timeout));
      w.maps("users", [...users.map((u) => entry(u)), () => writeAdminUser(w, admin)]);
    });
    return;
  }
  const adminKeys = new Map(Object.entries(opts.namespaceAdminKeys ?? {}));
  adminKeys.set(serverNs, admin);
  const view = auth.view_account;
  const inView = (u: UserEntry) => view !== "" && u.role === "view";
  const namespaces = [
    ...new Set([serverNs, ...users.map((u) => u.namespace || serverNs), ...adminKeys.keys()]),
  ];
  const exported = new Map(namespaces.map((ns) => [ns, viewSubjects(routerFor(config, ns))]));
  const clash = namespaces.find((ns) => namespaceAccount(ns) === view);
  if (clash !== undefined) {
    throw new RenderError(
      `nats.server.auth.view_account: ${JSON.stringify(view)} is also the account of ` +
        `namespace ${JSON.stringify(clash)}; use another name`,
    );
  }
  w.comment("namespace isolation by account: each namespace is its own account");
  w.block("accounts", () => {
    for (const ns of namespaces) {
      w.block(`${quote(namespaceAccount(ns))}:`, () => {
        w.value("jetstream", "enabled");
        if (view !== "") {
          w.maps("exports", exported.get(ns)!.map((s) => () => w.value("stream", s)));
        }
        const key = adminKeys.get(ns);
        w.maps("users", [
          ...users.filter((u) => !inView(u) && (u.namespace || serverNs) === ns)
            .map((u) => entry(u)),
          ...(key ? [() => writeAdminUser(w, key)] : []),
        ]);
      });
    }
    if (view === "") return;
    w.comment("read-only view of every namespace's jobs, results and dead letters");
    w.block(`${quote(view)}:`, () => {
      w.maps(
        "imports",
        namespaces.flatMap((ns) =>
          exported.get(ns)!.map((s) => () =>
            w.block("stream", () => {
              w.value("account", namespaceAccount(ns));
              w.value("subject", s);
            })
          )
        ),
      );
      const all = { publish: [], subscribe: [...exported.values()].flat() };
      w.maps("users", users.filter(inView).map((u) => entry(u, all)));
    });
  });
  w.block("authorization", () => w.value("timeout", seconds(auth.timeout)));
}

function checkUnique(values: string[], key: (i: number) => string, what: string): void {
  const seen = new Map<string, number>();
  values.forEach((v, i) => {
    const first = seen.get(v);
    if (first !== undefined) {
      throw new RenderError(
        `${key(i)}: ${what} ${JSON.stringify(v)} is also ${key(first)}; each must be unique`,
      );
    }
    seen.set(v, i);
  });
}

async function writeAuth(
  w: ConfWriter,
  config: Config,
  opts: RenderOptions,
  notices: string[],
): Promise<void> {
  const auth = config.nats.server.auth;
  const cost = opts.bcryptCost ?? 11;
  const plaintext: string[] = [];
  switch (auth.type) {
    case "none":
      return;
    case "token": {
      const token = await secret(auth.token, "nats.server.auth.token", cost, plaintext);
      w.block("authorization", () => {
        w.value("timeout", seconds(auth.timeout));
        w.value("token", token);
      });
      break;
    }
    case "user_pass": {
      const admin = requireAdmin(opts, auth.type);
      checkUnique(
        auth.users.map((u) => u.username),
        (i) => `nats.server.auth.users[${i}].username`,
        "user name",
      );
      // verify_and_map: nats-server matches the user name to the client certificate and never
      // looks at a password
      const mapped = config.nats.server.tls.verify_and_map;
      const hashes: (string | undefined)[] = [];
      for (const [i, u] of auth.users.entries()) {
        const key = `nats.server.auth.users[${i}].password`;
        if (mapped) {
          if (u.password !== "") {
            notices.push(
              `${key} is ignored: with nats.server.tls.verify_and_map the user is identified ` +
                "by its client certificate",
            );
          }
          hashes.push(undefined);
        } else hashes.push(await secret(u.password, key, cost, plaintext));
      }
      writeUsers(
        w,
        config,
        opts,
        admin,
        auth.users.map((u, i) => ({
          key: `nats.server.auth.users[${i}]`,
          namespace: u.namespace,
          role: u.role,
          hostname: u.hostname,
          credential: credentialId({ type: "user", username: u.username }),
          identity: () => {
            w.comment(`role ${u.role}${mapped ? " (client certificate)" : ""}`);
            w.value("user", u.username);
            if (hashes[i] !== undefined) w.value("password", hashes[i]!);
          },
        })),
      );
      break;
    }
    case "nkey": {
      const admin = requireAdmin(opts, auth.type);
      checkUnique(
        auth.nkeys.map((u) => u.public_key),
        (i) => `nats.server.auth.nkeys[${i}].public_key`,
        "public key",
      );
      const admins = [admin, ...Object.values(opts.namespaceAdminKeys ?? {})];
      if (auth.nkeys.some((u) => admins.includes(u.public_key))) {
        throw new RenderError(
          "nats.server.auth.nkeys: a configured key is the supervisor's admin key; use another key",
        );
      }
      writeUsers(
        w,
        config,
        opts,
        admin,
        auth.nkeys.map((u, i) => ({
          key: `nats.server.auth.nkeys[${i}]`,
          namespace: u.namespace,
          role: u.role,
          hostname: u.hostname,
          credential: credentialId({ type: "nkey", publicKey: u.public_key }),
          identity: () => {
            w.comment(`role ${u.role}`);
            w.value("nkey", u.public_key);
          },
        })),
      );
      break;
    }
    case "operator":
    case "callout":
      if (opts.authFragment === undefined) {
        throw new RenderError(
          `nats.server.auth.type ${auth.type}: its server configuration comes from the ` +
            `${auth.type} module (pass it as authFragment)`,
        );
      }
      w.raw(opts.authFragment);
      if (auth.type === "operator") {
        w.block("authorization", () => w.value("timeout", seconds(auth.timeout)));
      }
      break;
  }
  if (plaintext.length > 0) {
    notices.push(
      `${plaintext.join(", ")} ${plaintext.length === 1 ? "is" : "are"} plaintext in the ` +
        "configuration; the rendered nats-server.conf stores bcrypt hashes instead. Consider " +
        "storing the hash (see `osapi nats config`) where only the server needs it.",
    );
  }
}

/** The websocket listener: wss:// with the server certificate, or plain ws:// with `no_tls`. */
function writeWebsocket(w: ConfWriter, config: Config): void {
  const s = config.nats.server;
  const ws = s.websocket;
  if (!ws.no_tls && s.tls.cert_file === "") {
    throw new RenderError(
      "nats.server.websocket: a TLS websocket needs nats.server.tls.cert_file and key_file " +
        "(or set nats.server.websocket.no_tls: true for plain ws://)",
    );
  }
  w.block("websocket", () => {
    w.value("host", ws.host || s.host);
    w.value("port", ws.port);
    if (ws.no_tls) w.value("no_tls", true);
    else {
      w.block("tls", () => {
        w.value("cert_file", s.tls.cert_file);
        w.value("key_file", s.tls.key_file);
      });
    }
    if (ws.allowed_origins.length > 0) w.list("allowed_origins", ws.allowed_origins);
    if (ws.compression) w.value("compression", true);
    w.value("handshake_timeout", `${ws.handshake_timeout}ms`);
  });
}

/** Renders the nats-server.conf text of `config`. */
export async function renderServerConfig(
  config: Config,
  opts: RenderOptions = {},
): Promise<RenderedConfig> {
  const s = config.nats.server;
  const w = new ConfWriter();
  const notices: string[] = [];
  w.comment("nats-server.conf rendered by osapi from its configuration; do not edit by hand.");
  w.value("server_name", s.server_name);
  w.value("host", s.host);
  w.value("port", s.port);
  if (s.http_port !== 0) {
    w.value(s.monitor_tls ? "https" : "http", hostPort(s.host, s.http_port));
  }
  if (s.lame_duck > 0) w.value("lame_duck_duration", `${seconds(s.lame_duck)}s`);
  w.blank();
  w.block("jetstream", () => {
    w.value("store_dir", storeDir(config));
    if (s.max_memory !== -1) w.value("max_memory_store", s.max_memory);
    if (s.max_file !== -1) w.value("max_file_store", s.max_file);
  });
  if (s.auth.type !== "none") w.blank();
  await writeAuth(w, config, opts, notices);
  if (s.tls.cert_file !== "") {
    w.blank();
    w.block("tls", () => {
      w.value("cert_file", s.tls.cert_file);
      w.value("key_file", s.tls.key_file);
      if (s.tls.ca_file !== "") w.value("ca_file", s.tls.ca_file);
      if (s.tls.verify) w.value("verify", true);
      if (s.tls.verify_and_map) w.value("verify_and_map", true);
      w.value("timeout", seconds(s.tls.timeout));
    });
  }
  if (s.websocket.port !== 0) {
    w.blank();
    writeWebsocket(w, config);
  }
  if (s.cluster.name !== "") {
    w.blank();
    w.block("cluster", () => {
      w.value("name", s.cluster.name);
      w.value("listen", s.cluster.listen);
      if (s.cluster.routes.length > 0) w.list("routes", s.cluster.routes);
    });
  }
  return { text: w.text(), notices };
}
