/**
 * The public side of the NATS and API security setup, for `GET /security`: the auth mode,
 * namespaces, accounts and users (names and public keys only) and the credentials that expire.
 * Seeds, passwords, tokens and JWTs are read where an expiry needs them but never returned.
 */
import { adminTokenPath, operatorDir } from "../config/state_layout.ts";
import { readCredsFile } from "./creds.ts";
import { peekJwt } from "./nats_jwt.ts";
import { OperatorStore, SYSTEM_ACCOUNT } from "./operator_store.ts";
import { tokenPolicy, verifyToken } from "../api_auth/tokens.ts";
import type { CredentialInfo, SecurityInfo } from "../core/security.ts";
import { formatDuration } from "../config/units.ts";
import type { Config } from "../config/schema.ts";
import { namespaceAccount } from "../nats/subjects.ts";

const iso = (unixSeconds: number | undefined) =>
  unixSeconds ? new Date(unixSeconds * 1000).toISOString() : null;

function credential(
  kind: string,
  name: string,
  exp: number | undefined,
  extra: Partial<CredentialInfo> = {},
): CredentialInfo {
  return { kind, name, ...extra, expires: iso(exp), expired: !!exp && exp * 1000 <= Date.now() };
}

/** Accounts and users of the operator store, with the expiry of each user's creds. */
async function operatorParts(config: Config, out: SecurityInfo): Promise<void> {
  const store = new OperatorStore(operatorDir(config));
  if (!(await store.exists())) return;
  for (const account of await store.accounts()) {
    out.nats.accounts.push({
      name: account.name,
      public_key: account.publicKey,
      kind: account.name === SYSTEM_ACCOUNT ? "system" : "namespace",
    });
    const usersDir = `${store.accountDir(account.name)}/users`;
    let entries: Deno.DirEntry[] = [];
    try {
      entries = await Array.fromAsync(Deno.readDir(usersDir));
    } catch { /* no users */ }
    for (const e of entries.filter((e) => e.isFile && e.name.endsWith(".creds"))) {
      const name = e.name.slice(0, -".creds".length);
      try {
        const claims = peekJwt((await readCredsFile(`${usersDir}/${e.name}`)).jwt);
        out.nats.users.push({
          name,
          public_key: claims.sub,
          account: account.name,
          source: "operator",
        });
        out.credentials.push(
          credential("NATS user creds", name, claims.exp, {
            public_key: claims.sub,
            account: account.name,
          }),
        );
      } catch { /* unreadable creds: not shown */ }
    }
  }
}

/** The expiry of a component's creds file (`*.nats.auth.creds_file`). */
async function credsFileExpiry(key: string, path: string): Promise<CredentialInfo | undefined> {
  try {
    const claims = peekJwt((await readCredsFile(path)).jwt);
    return credential("NATS client creds", key, claims.exp, { public_key: claims.sub });
  } catch {
    return undefined;
  }
}

/** Gathers the security overview of `config`; `signingKey` checks the admin token's expiry. */
export async function securityInfo(config: Config, signingKey: string): Promise<SecurityInfo> {
  const auth = config.nats.server.auth;
  const out: SecurityInfo = {
    nats: {
      auth_mode: auth.type,
      isolation: auth.isolation,
      namespaces: [],
      accounts: [],
      users: [],
    },
    credentials: [],
  };
  const namespaces = new Set([
    config.nats.server.namespace,
    config.api.server.nats.namespace,
    config.job.worker.nats.namespace,
  ]);
  const userNs = (ns: string) => ns === "" ? config.nats.server.namespace : ns;
  if (auth.type === "user_pass") {
    for (const u of auth.users) {
      namespaces.add(userNs(u.namespace));
      out.nats.users.push({
        name: u.username,
        role: u.role,
        namespace: userNs(u.namespace),
        ...(u.hostname ? { hostname: u.hostname } : {}),
        source: "user_pass",
      });
    }
  }
  if (auth.type === "nkey") {
    for (const u of auth.nkeys) {
      namespaces.add(userNs(u.namespace));
      out.nats.users.push({
        public_key: u.public_key,
        role: u.role,
        namespace: userNs(u.namespace),
        ...(u.hostname ? { hostname: u.hostname } : {}),
        source: "nkey",
      });
    }
  }
  if (auth.type === "callout") {
    const c = auth.callout;
    out.nats.callout = {
      account: c.account,
      target_account: c.target_account,
      user_ttl: formatDuration(c.user_ttl),
    };
    out.nats.accounts.push({ name: c.account, kind: "callout" });
    out.nats.accounts.push({ name: c.target_account, kind: "namespace" });
    for (const u of c.users) {
      namespaces.add(userNs(u.namespace));
      out.nats.users.push({
        name: u.username,
        account: u.account || c.target_account,
        role: u.role,
        namespace: userNs(u.namespace),
        source: "callout",
      });
    }
  }
  if (auth.type === "operator") await operatorParts(config, out);
  if ((auth.type === "user_pass" || auth.type === "nkey") && auth.isolation === "account") {
    for (const ns of namespaces) {
      out.nats.accounts.push({ name: namespaceAccount(ns), kind: "namespace" });
    }
  }
  if (auth.view_account) out.nats.accounts.push({ name: auth.view_account, kind: "view" });
  out.nats.namespaces = [...namespaces].sort();

  try {
    const token = (await Deno.readTextFile(adminTokenPath(config))).trim();
    const claims = await verifyToken(signingKey, token, tokenPolicy(config));
    out.credentials.push(credential("admin API token", claims.sub, claims.exp));
  } catch { /* none, or not for this key */ }
  for (
    const [key, path] of [
      ["api.server.nats", config.api.server.nats.auth.creds_file],
      ["job.worker.nats", config.job.worker.nats.auth.creds_file],
    ] as const
  ) {
    if (!path) continue;
    const c = await credsFileExpiry(key, path);
    if (c) out.credentials.push(c);
  }
  return out;
}
