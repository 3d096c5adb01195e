/** Operator (JWT) mode against real nats-server processes started with the rendered config. */
import assert from "node:assert/strict";
import { credsAuthenticator } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";
import { parseCreds as libParseCreds } from "@nats-io/jwt";
import { initOperator, renderOperatorConfig } from "../../src/nats_auth/operator_init.ts";
import { OperatorStore, OperatorStoreError } from "../../src/nats_auth/operator_store.ts";
import { AccountPushError, pushAccountJwt } from "../../src/nats_auth/account_push.ts";
import {
  accountImport,
  addExportEdit,
  addImportEdit,
  type Permissions,
  streamExport,
  unixNow,
  UNLIMITED_JETSTREAM,
} from "../../src/nats_auth/nats_jwt.ts";
import {
  delivers,
  guard,
  publishDenied,
  refusal,
  startServerWith,
  subscriptionDenied,
  tryConnect,
} from "../helpers/nats_auth.ts";

const ALL: Permissions = { pub: { allow: [">"] }, sub: { allow: [">"] } };
const FENCED = (ns: string): Permissions => ({
  pub: { allow: [`${ns}.jobs.>`, "$JS.API.>", "_INBOX.>"] },
  sub: { allow: [`${ns}.jobs.results.>`, "_INBOX.>"] },
});

async function creds(path: string) {
  return credsAuthenticator(await Deno.readFile(path));
}

async function withStore(
  resolver: "memory" | "full",
  fn: (r: Awaited<ReturnType<typeof initOperator>>, store: OperatorStore) => Promise<void>,
  permissions = (_role: string, ns: string) => FENCED(ns),
) {
  const dir = await Deno.makeTempDir({ prefix: "osapi-op-test-" });
  try {
    const r = await initOperator({ dir, namespaces: ["alpha", "beta"], resolver, permissions });
    await fn(r, new OperatorStore(dir));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("operator init writes 0600 keys and standard creds that the v3 client accepts", async () => {
  await withStore("memory", async (r, store) => {
    for (const a of r.accounts) {
      for (const file of [a.creds.api, a.creds.worker]) {
        assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600);
        const text = await Deno.readTextFile(file);
        assert.match(text, /^-----BEGIN NATS USER JWT-----\n/);
        assert.match(
          text,
          /-----BEGIN USER NKEY SEED-----\nSU[A-Z2-7]{56}\n------END USER NKEY SEED------/,
        );
        const parsed = await libParseCreds(new TextEncoder().encode(text));
        assert.equal(parsed.aid, a.publicKey, "the nats.js jwt library reads our creds file");
      }
    }
    for (const f of ["keys/operator.nk", "keys/operator-signing.nk", "accounts/SYS/account.nk"]) {
      assert.equal((await Deno.stat(`${store.dir}/${f}`)).mode! & 0o777, 0o600, f);
    }
    assert.equal((await Deno.stat(r.systemCreds)).mode! & 0o777, 0o600);

    await using s = await startServerWith(r.serverConfig);
    const nc = await tryConnect(s.url, { authenticator: await creds(r.accounts[0].creds.api) });
    if (nc instanceof Error) throw nc;
    try {
      const info = await (await jetstreamManager(nc)).getAccountInfo();
      assert.equal(info.limits.max_streams, -1, "JetStream is enabled for the namespace account");
    } finally {
      await nc.close();
    }
  });
});

Deno.test("operator init refuses to overwrite an existing store", async () => {
  await withStore("memory", async (r) => {
    const before = await Deno.readTextFile(`${r.dir}/operator.jwt`);
    await assert.rejects(
      () =>
        initOperator({ dir: r.dir, namespaces: ["x"], resolver: "memory", permissions: () => ALL }),
      (e) => e instanceof OperatorStoreError && /already holds an operator/.test(e.message),
    );
    assert.equal(await Deno.readTextFile(`${r.dir}/operator.jwt`), before, "nothing was lost");
  });
});

Deno.test("permissions from the user JWT are enforced: Permissions Violation", async () => {
  await withStore("memory", async (r) => {
    await using s = await startServerWith(r.serverConfig);
    const nc = await tryConnect(s.url, { authenticator: await creds(r.accounts[0].creds.worker) });
    if (nc instanceof Error) throw nc;
    try {
      assert.match(await subscriptionDenied(nc, "beta.jobs.results.x"), /permissions violation/i);
      assert.match(await publishDenied(nc, "beta.jobs.query._any"), /permissions violation/i);
      assert.equal(await delivers(nc, nc, "alpha.jobs.results.j1"), "hello");
    } finally {
      await nc.close();
    }
  });
});

Deno.test("an expired user JWT is refused", async () => {
  await withStore("memory", async (_r, store) => {
    const u = await store.addUser("alpha", {
      name: "old",
      permissions: ALL,
      expires: unixNow() - 60,
    });
    const fresh = await store.addUser("alpha", {
      name: "fresh",
      permissions: ALL,
      expires: unixNow() + 3600,
    });
    await using s = await startServerWith(
      await renderOperatorConfig(store, { resolver: "memory" }),
    );
    assert.match(
      await refusal(s.url, { authenticator: await creds(u.credsFile) }),
      /expired|authorization/i,
    );
    const ok = await tryConnect(s.url, { authenticator: await creds(fresh.credsFile) });
    if (ok instanceof Error) throw ok;
    await ok.close();
  });
});

Deno.test("a revoked user is refused (memory resolver, revocation in the preload)", async () => {
  await withStore("memory", async (r, store) => {
    await store.revokeUser("alpha", "api");
    await using s = await startServerWith(
      await renderOperatorConfig(store, { resolver: "memory" }),
    );
    assert.match(
      await refusal(s.url, { authenticator: await creds(r.accounts[0].creds.api) }),
      /authorization/i,
    );
    const other = await tryConnect(s.url, {
      authenticator: await creds(r.accounts[0].creds.worker),
    });
    if (other instanceof Error) throw other;
    await other.close();
  });
});

Deno.test("full resolver: revoke + push cuts a connected user and refuses it afterwards", async () => {
  await withStore("full", async (r, store) => {
    await using s = await startServerWith(r.serverConfig);
    const user = await tryConnect(s.url, { authenticator: await creds(r.accounts[0].creds.api) });
    if (user instanceof Error) throw user;
    const sys = await tryConnect(s.url, { authenticator: await creds(r.systemCreds) });
    if (sys instanceof Error) throw sys;
    try {
      const revoked = await store.revokeUser("alpha", "api");
      const res = await pushAccountJwt(sys, revoked.jwt);
      assert.equal(res.code, 200);
      assert.equal(res.account, revoked.publicKey);
      const closed = await guard(user.closed(), "revoked connection closed");
      assert.ok(closed === undefined || closed instanceof Error);
      assert.match(
        await refusal(s.url, { authenticator: await creds(r.accounts[0].creds.api) }),
        /authorization/i,
      );
    } finally {
      await user.close().catch(() => {});
      await sys.close();
    }
  });
});

Deno.test("full resolver: an account pushed while the server runs is usable without restart", async () => {
  await withStore("full", async (r, store) => {
    await using s = await startServerWith(r.serverConfig);
    const acc = await store.createAccount({ name: "gamma", jetstream: UNLIMITED_JETSTREAM });
    const u = await store.addUser("gamma", { name: "app", permissions: ALL });
    assert.match(
      await refusal(s.url, { authenticator: await creds(u.credsFile) }),
      /authorization/i,
      "unknown before the push",
    );
    const sys = await tryConnect(s.url, { authenticator: await creds(r.systemCreds) });
    if (sys instanceof Error) throw sys;
    try {
      const res = await pushAccountJwt(sys, acc.jwt);
      assert.equal(res.account, acc.publicKey);
    } finally {
      await sys.close();
    }
    const nc = await tryConnect(s.url, { authenticator: await creds(u.credsFile) });
    if (nc instanceof Error) throw nc;
    try {
      const info = await (await jetstreamManager(nc)).getAccountInfo();
      assert.equal(info.streams, 0);
    } finally {
      await nc.close();
    }
  });
});

Deno.test("account exports and imports carry a stream across accounts", async () => {
  await withStore("full", async (r, store) => {
    await using s = await startServerWith(r.serverConfig);
    const alpha = await store.account("alpha");
    const a2 = await store.updateAccount("alpha", addExportEdit(streamExport("alpha.events.>")));
    const b2 = await store.updateAccount(
      "beta",
      addImportEdit(accountImport("stream", alpha.publicKey, "alpha.events.>", "from-alpha.>")),
    );
    const pa = await store.addUser("alpha", { name: "pub", permissions: ALL });
    const sb = await store.addUser("beta", { name: "sub", permissions: ALL });
    const sys = await tryConnect(s.url, { authenticator: await creds(r.systemCreds) });
    if (sys instanceof Error) throw sys;
    await pushAccountJwt(sys, a2.jwt);
    await pushAccountJwt(sys, b2.jwt);
    await sys.close();
    const p = await tryConnect(s.url, { authenticator: await creds(pa.credsFile) });
    const q = await tryConnect(s.url, { authenticator: await creds(sb.credsFile) });
    if (p instanceof Error) throw p;
    if (q instanceof Error) throw q;
    try {
      assert.equal(await delivers(p, q, "alpha.events.x", "from-alpha.x"), "hello");
    } finally {
      await p.close();
      await q.close();
    }
  });
});

Deno.test("a push without a full resolver is a clear error", async () => {
  await withStore("memory", async (r) => {
    await using s = await startServerWith(r.serverConfig);
    const user = await tryConnect(s.url, { authenticator: await creds(r.accounts[0].creds.api) });
    if (user instanceof Error) throw user;
    try {
      const acc = await new OperatorStore(r.dir).account("alpha");
      await assert.rejects(() => pushAccountJwt(user, acc.jwt, 2_000), AccountPushError);
    } finally {
      await user.close();
    }
  });
});
