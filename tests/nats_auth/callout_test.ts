/**
 * The auth callout service against real nats-server processes, mirroring nats-server's own
 * callout tests: allow, deny, error response, multi-account placement, xkey encryption, expired
 * user, bad server, bad user, and auth users bypassing the callout; plus osapi's API tokens.
 */
import assert from "node:assert/strict";
import bcrypt from "bcryptjs";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";
import { Algorithms, encode } from "@nats-io/jwt";
import {
  AUTH_REQUEST_AUDIENCE,
  type Authorizer,
  CalloutRequestError,
  openRequest,
  startCallout,
} from "../../src/nats_auth/callout.ts";
import {
  calloutConfigFragment,
  ensureCalloutKeys,
  startCalloutService,
  tokenNatsPermissions,
} from "../../src/nats_auth/callout_service.ts";
import type { Permission } from "../../src/core/permissions.ts";
import { OPERATIONS } from "../../src/core/operations/mod.ts";
import { credentialId } from "../../src/nats/credential_id.ts";
import { tokenSubject } from "../../src/nats/auth_options.ts";
import { generateKey, type KeyPair } from "../../src/nats_auth/nats_keys.ts";
import { unixNow } from "../../src/nats_auth/nats_jwt.ts";
import { signToken } from "../../src/api_auth/tokens.ts";
import { ConfigError, configFromRaw } from "../../src/config/load.ts";
import type { Config } from "../../src/config/schema.ts";
import { Logger } from "../../src/log.ts";
import { SYSTEM_SUBJECTS } from "../../src/nats/subjects.ts";
import {
  delivers,
  publishDenied,
  refusal,
  startServerWith,
  subscriptionDenied,
  tryConnect,
} from "../helpers/nats_auth.ts";
import type { TestNatsServer } from "../helpers/nats_server.ts";
import { allows } from "../helpers/subject_match.ts";

const ALL = { pub: { allow: [">"] }, sub: { allow: [">"] } };

function capture(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return { log: new Logger("test", "debug", "text", (l) => lines.push(l)), lines };
}

/** A config-mode server with accounts AUTH (service user `auth`), APP and OTHER. */
async function rawCalloutServer(issuer: string, extra = ""): Promise<TestNatsServer> {
  return await startServerWith(
    `
accounts {
  AUTH { users: [ { user: "auth", password: "pwd" } ] }
  APP { jetstream: enabled, users: [ { user: "direct", password: "direct-pw" } ] }
  OTHER {}
}
authorization {
  auth_callout {
    issuer: "${issuer}"
    account: AUTH
    auth_users: [ auth, direct ]
    ${extra}
  }
}`,
  );
}

async function serviceConn(s: TestNatsServer): Promise<NatsConnection> {
  return await connect({ servers: s.url, user: "auth", pass: "pwd", reconnect: false });
}

async function connz(s: TestNatsServer): Promise<{ name?: string; account?: string }[]> {
  const r = await fetch(`http://127.0.0.1:${s.httpPort}/connz?auth=true`);
  return ((await r.json()) as { connections: { name?: string; account?: string }[] }).connections;
}

async function engine(
  nc: NatsConnection,
  issuer: KeyPair,
  authorize: Authorizer,
  extra: Partial<Parameters<typeof startCallout>[0]> = {},
) {
  const { log, lines } = capture();
  return { h: await startCallout({ nc, issuer, authorize, log, ...extra }), lines };
}

Deno.test("callout allow: the issued user JWT places the user with its permissions", async () => {
  const issuer = generateKey("account");
  await using s = await rawCalloutServer(issuer.publicKey);
  const svc = await serviceConn(s);
  const { h } = await engine(svc, issuer.pair, (req) =>
    Promise.resolve({
      allow: true,
      name: req.connect.user ?? "",
      account: "APP",
      permissions: { pub: { allow: ["app.>"] }, sub: { allow: ["app.>"] } },
    }));
  try {
    const nc = await tryConnect(s.url, { user: "alice", pass: "any", name: "alice-conn" });
    if (nc instanceof Error) throw nc;
    try {
      assert.equal(await delivers(nc, nc, "app.hello"), "hello");
      assert.match(await publishDenied(nc, "other.x"), /permissions violation/i);
      const c = (await connz(s)).find((c) => c.name === "alice-conn");
      assert.equal(c?.account, "APP");
    } finally {
      await nc.close();
    }
    assert.equal(h.stats.allowed, 1);
    assert.equal(h.stats.requests, 1);
  } finally {
    await h.stop();
    await svc.close();
  }
});

Deno.test("callout deny and error response: the client gets an authorization violation", async () => {
  const issuer = generateKey("account");
  await using s = await rawCalloutServer(issuer.publicKey);
  const svc = await serviceConn(s);
  const { h, lines } = await engine(
    svc,
    issuer.pair,
    () => Promise.resolve({ allow: false, reason: "not today" }),
  );
  try {
    assert.match(await refusal(s.url, { user: "bob", pass: "s3cret-pass" }), /authorization/i);
    await h.settled();
    assert.equal(h.stats.denied, 1);
    assert.ok(lines.some((l) => l.includes("denied") && l.includes("not today")));
    assert.ok(!lines.some((l) => l.includes("s3cret-pass")), "the password is never logged");
  } finally {
    await h.stop();
    await svc.close();
  }
});

Deno.test("callout authorizer failure becomes an error response, not a hang", async () => {
  const issuer = generateKey("account");
  await using s = await rawCalloutServer(issuer.publicKey);
  const svc = await serviceConn(s);
  const { h, lines } = await engine(
    svc,
    issuer.pair,
    () => Promise.reject(new Error("backend down")),
  );
  try {
    assert.match(await refusal(s.url, { user: "bob", pass: "x" }), /authorization/i);
    await h.settled();
    assert.equal(h.stats.denied, 1);
    assert.ok(lines.some((l) => l.includes("authorizer failed") && l.includes("backend down")));
  } finally {
    await h.stop();
    await svc.close();
  }
});

Deno.test("callout multi-account placement: users land in the account of their JWT", async () => {
  const issuer = generateKey("account");
  await using s = await rawCalloutServer(issuer.publicKey);
  const svc = await serviceConn(s);
  const { h } = await engine(svc, issuer.pair, (req) =>
    Promise.resolve({
      allow: true,
      name: req.connect.user ?? "",
      account: req.connect.user === "a" ? "APP" : "OTHER",
      permissions: ALL,
    }));
  const conns: NatsConnection[] = [];
  try {
    for (const user of ["a", "b"]) {
      const nc = await tryConnect(s.url, { user, pass: "p", name: `conn-${user}` });
      if (nc instanceof Error) throw nc;
      conns.push(nc);
    }
    const byName = new Map((await connz(s)).map((c) => [c.name, c.account]));
    assert.equal(byName.get("conn-a"), "APP");
    assert.equal(byName.get("conn-b"), "OTHER");
    const direct = await tryConnect(s.url, { user: "direct", pass: "direct-pw" });
    if (direct instanceof Error) throw direct;
    conns.push(direct);
    assert.equal(await delivers(conns[0], direct, "same.subject"), "hello", "a shares APP");
  } finally {
    for (const c of conns) await c.close();
    await h.stop();
    await svc.close();
  }
});

Deno.test("callout xkey: requests arrive encrypted, sealed responses are accepted", async () => {
  const issuer = generateKey("account");
  const xkey = generateKey("curve");
  await using s = await rawCalloutServer(issuer.publicKey, `xkey: "${xkey.publicKey}"`);
  const svc = await serviceConn(s);
  const seen: boolean[] = [];
  const { h } = await engine(svc, issuer.pair, (req) => {
    seen.push(req.encrypted);
    return Promise.resolve({ allow: true, name: "x", account: "APP", permissions: ALL });
  }, { xkey: xkey.pair });
  try {
    const nc = await tryConnect(s.url, { user: "enc", pass: "p" });
    if (nc instanceof Error) throw nc;
    await nc.close();
    assert.deepEqual(seen, [true]);
  } finally {
    await h.stop();
    await svc.close();
  }
});

Deno.test("callout xkey: a service with the wrong xkey cannot read requests", async () => {
  const issuer = generateKey("account");
  const xkey = generateKey("curve");
  await using s = await rawCalloutServer(issuer.publicKey, `xkey: "${xkey.publicKey}"`);
  const svc = await serviceConn(s);
  const { h, lines } = await engine(
    svc,
    issuer.pair,
    () => Promise.resolve({ allow: true, name: "x", account: "APP", permissions: ALL }),
    { xkey: generateKey("curve").pair },
  );
  try {
    assert.match(await refusal(s.url, { user: "enc", pass: "p" }), /authorization|timeout/i);
    await h.settled();
    assert.equal(h.stats.invalid, 1);
    assert.equal(h.stats.allowed, 0);
    assert.ok(lines.some((l) => l.includes("sealed for another xkey")));
  } finally {
    await h.stop();
    await svc.close();
  }
});

Deno.test("callout expired user: a user JWT that has expired is refused by the server", async () => {
  const issuer = generateKey("account");
  await using s = await rawCalloutServer(issuer.publicKey);
  const svc = await serviceConn(s);
  const { h } = await engine(svc, issuer.pair, () =>
    Promise.resolve({
      allow: true,
      name: "late",
      account: "APP",
      permissions: ALL,
      expires: unixNow() - 30,
    }));
  try {
    assert.match(await refusal(s.url, { user: "late", pass: "p" }), /authorization|expired/i);
    assert.equal(h.stats.allowed, 1, "we answered; the server enforced the expiry");
  } finally {
    await h.stop();
    await svc.close();
  }
});

/** A hand-made authorization request JWT, signed by `signer`. */
async function forgedRequest(
  signer: KeyPair,
  over: { serverId?: string; aud?: string; userNkey?: string } = {},
): Promise<string> {
  const claims = {
    aud: over.aud ?? AUTH_REQUEST_AUDIENCE,
    sub: over.userNkey ?? generateKey("user").publicKey,
    name: "",
    jti: "",
    iat: 0,
    iss: "",
    nats: {
      type: "authorization_request",
      version: 2,
      server_id: { id: over.serverId ?? signer.getPublicKey(), name: "srv", host: "127.0.0.1" },
      user_nkey: over.userNkey ?? generateKey("user").publicKey,
      client_info: {},
      connect_opts: { protocol: 1, user: "mallory", pass: "x" },
    },
  };
  return await encode(Algorithms.v2, claims, signer);
}

function serverKey(): KeyPair {
  return generateKey("account").pair; // any signing key type; the check is iss == server_id.id
}

Deno.test("bad server: requests not signed by the server they name are refused", async () => {
  const te = new TextEncoder();
  const real = serverKey();
  const forged = await forgedRequest(serverKey(), { serverId: real.getPublicKey() });
  assert.throws(() => openRequest(te.encode(forged), undefined, {}), CalloutRequestError);
  const wrongAud = await forgedRequest(real, { aud: "someone-else" });
  assert.throws(() => openRequest(te.encode(wrongAud), undefined, {}), /audience/);
  const ok = await forgedRequest(real);
  assert.equal(openRequest(te.encode(ok), undefined, {}).request.serverName, "srv");
  assert.throws(
    () => openRequest(te.encode(ok), undefined, { servers: ["another-server"] }),
    /does not serve/,
  );
  const tampered = ok.slice(0, -4) + (ok.endsWith("AAAA") ? "BBBB" : "AAAA");
  assert.throws(() => openRequest(te.encode(tampered), undefined, {}), /signature|malformed/);
});

Deno.test("bad server: a request from a server this service does not serve gets no answer", async () => {
  const issuer = generateKey("account");
  await using s = await rawCalloutServer(issuer.publicKey);
  const svc = await serviceConn(s);
  const { h } = await engine(
    svc,
    issuer.pair,
    () => Promise.resolve({ allow: true, name: "x", account: "APP", permissions: ALL }),
    { servers: ["not-this-server"] },
  );
  try {
    assert.match(await refusal(s.url, { user: "u", pass: "p" }), /authorization|timeout/i);
    await h.settled();
    assert.equal(h.stats.invalid, 1);
    assert.equal(h.stats.allowed, 0);
    // clients cannot inject requests: the server itself refuses publishes to the auth subject
    const forged = await forgedRequest(serverKey(), { serverId: generateKey("account").publicKey });
    const err = await svc.request(SYSTEM_SUBJECTS.userAuth, forged, { timeout: 2_000 })
      .catch((e) => e);
    assert.match(String(err), /permissions violation/i);
    assert.equal(h.stats.invalid, 1);
  } finally {
    await h.stop();
    await svc.close();
  }
});

Deno.test("bad user: a request without a valid user nkey is refused", async () => {
  const te = new TextEncoder();
  const srv = serverKey();
  const bad = await forgedRequest(srv, { userNkey: generateKey("account").publicKey });
  assert.throws(() => openRequest(te.encode(bad), undefined, {}), /user nkey/);
  const missing = await forgedRequest(srv, { userNkey: "" });
  assert.throws(() => openRequest(te.encode(missing), undefined, {}), /user nkey/);
});

Deno.test("auth users bypass the callout", async () => {
  const issuer = generateKey("account");
  await using s = await rawCalloutServer(issuer.publicKey);
  const svc = await serviceConn(s);
  const { h } = await engine(
    svc,
    issuer.pair,
    () => Promise.resolve({ allow: false, reason: "no" }),
  );
  try {
    const direct = await tryConnect(s.url, { user: "direct", pass: "direct-pw" });
    if (direct instanceof Error) throw direct;
    await direct.close();
    assert.equal(h.stats.requests, 0, "no callout for auth users");
    assert.match(await refusal(s.url, { user: "direct", pass: "wrong" }), /authorization/i);
  } finally {
    await h.stop();
    await svc.close();
  }
});

// ---- the osapi service: configured users and API tokens --------------------------------------

const SIGNING_KEY = "test-signing-key-0123456789abcdef";

function osapiConfig(dataDir: string, extra: Record<string, unknown> = {}): Config {
  return configFromRaw({
    data_dir: dataDir,
    api: { server: { security: { signing_key: SIGNING_KEY } } },
    nats: {
      server: {
        namespace: "alpha",
        auth: {
          type: "callout",
          callout: {
            users: [{
              username: "alice",
              password: bcrypt.hashSync("alice-pw", 4),
              role: "api",
              namespace: "alpha",
            }],
            // alice goes through the callout here (default: role api is a server auth user)
            auth_user_roles: [],
            ...extra,
          },
        },
      },
    },
  });
}

async function osapiSetup(
  fn: (ctx: {
    s: TestNatsServer;
    config: Config;
    admin: KeyPair;
    lines: string[];
    svc: Awaited<ReturnType<typeof startCalloutService>>;
  }) => Promise<void>,
  extra: Record<string, unknown> = {},
) {
  const dir = await Deno.makeTempDir({ prefix: "osapi-callout-test-" });
  try {
    const admin = generateKey("user");
    const pre = osapiConfig(dir, extra);
    const fragment = await calloutConfigFragment(pre, {
      adminPublicKey: admin.publicKey,
      bcryptCost: 4,
    });
    await using s = await startServerWith(fragment);
    const config = osapiConfig(dir, { ...extra, nats: { urls: [s.url] } });
    const { log, lines } = capture();
    const svc = await startCalloutService(config, log);
    try {
      await fn({ s, config, admin: admin.pair, lines, svc });
    } finally {
      await svc.stop();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The inbox prefix of an API token in namespace alpha (bound to its subject, issue 8 §1). */
function tokenInbox(token: string): string {
  return `_INBOX.alpha.${credentialId({ type: "token", subject: tokenSubject(token)! })}`;
}

Deno.test("osapi callout: configured bcrypt user allowed, wrong password denied", async () => {
  await osapiSetup(async ({ s, svc, lines }) => {
    const nc = await tryConnect(s.url, {
      user: "alice",
      pass: "alice-pw",
      inboxPrefix: "_INBOX.alpha.u_alice",
    });
    if (nc instanceof Error) throw nc;
    try {
      assert.match(await subscriptionDenied(nc, "beta.jobs.results.>"), /permissions violation/i);
    } finally {
      await nc.close();
    }
    assert.match(await refusal(s.url, { user: "alice", pass: "nope-pw" }), /authorization/i);
    assert.match(await refusal(s.url, { user: "ghost", pass: "nope-pw" }), /authorization/i);
    await svc.settled();
    assert.equal(svc.stats.allowed, 1);
    assert.equal(svc.stats.denied, 2);
    assert.ok(!lines.some((l) => l.includes("nope-pw") || l.includes("alice-pw")));
  });
});

Deno.test("osapi callout: an API admin token is accepted as the NATS token, fenced to its namespace", async () => {
  await osapiSetup(async ({ s, admin, svc }) => {
    const token = await signToken(SIGNING_KEY, { subject: "ops@example.com", roles: ["admin"] });
    const nc = await tryConnect(s.url, { token, inboxPrefix: tokenInbox(token), name: "tok" });
    if (nc instanceof Error) throw nc;
    const { nkeyAuthenticator } = await import("@nats-io/transport-node");
    const adm = await tryConnect(s.url, {
      authenticator: nkeyAuthenticator(admin.getSeed()),
    });
    if (adm instanceof Error) throw adm;
    try {
      const requestsBefore = svc.stats.requests;
      assert.equal(requestsBefore, 1, "the admin nkey bypassed the callout");
      await (await jetstreamManager(nc)).getAccountInfo(); // JS API of its account is allowed
      assert.equal(
        await delivers(nc, adm, "alpha.jobs.query._any"),
        "hello",
        "may submit jobs in its namespace",
      );
      assert.match(await publishDenied(nc, "beta.jobs.query._any"), /permissions violation/i);
      const c = (await connz(s)).find((c) => c.name === "tok");
      assert.equal(c?.account, "APP");
    } finally {
      await nc.close();
      await adm.close();
    }
  });
});

Deno.test("osapi callout: tampered, expired and wrongly signed tokens are refused", async () => {
  await osapiSetup(async ({ s, svc, lines }) => {
    const good = await signToken(SIGNING_KEY, { subject: "ops", roles: ["admin"] });
    const [h, p, sig] = good.split(".");
    const payload = JSON.parse(atob(p.replace(/-/g, "+").replace(/_/g, "/")));
    payload.sub = "someone-else";
    const forged = `${h}.${btoa(JSON.stringify(payload)).replace(/=+$/, "")}.${sig}`;
    const expired = await signToken(SIGNING_KEY, {
      subject: "ops",
      roles: ["admin"],
      expiresInMs: 60_000,
      now: new Date(Date.now() - 3_600_000),
    });
    const otherKey = await signToken("another-key-0123456789abcdef0123", {
      subject: "ops",
      roles: ["admin"],
    });
    for (const token of [forged, expired, otherKey, "not-a-token"]) {
      assert.match(await refusal(s.url, { token }), /authorization/i);
    }
    await svc.settled();
    assert.equal(svc.stats.denied, 4);
    assert.equal(svc.stats.allowed, 0);
    assert.ok(lines.some((l) => l.includes("token expired")));
    assert.ok(!lines.some((l) => l.includes(good) || l.includes(expired)), "no token in logs");
  });
});

Deno.test("osapi callout: a read-only token cannot submit jobs nor write anything", async () => {
  await osapiSetup(async ({ s }) => {
    const token = await signToken(SIGNING_KEY, { subject: "viewer", roles: ["read"] });
    const nc = await tryConnect(s.url, { token, inboxPrefix: tokenInbox(token) });
    if (nc instanceof Error) throw nc;
    try {
      for (
        const subject of [
          "alpha.jobs.modify._any",
          "alpha.jobs.query._any",
          "alpha.jobs.results.j1",
          "$KV.alpha-audit-log.forged",
          "$KV.alpha-worker-registry.h1",
          "$KV.alpha-job-queue.jobs.j1",
          "$JS.API.STREAM.UPDATE.alpha-JOBS",
          "$JS.API.STREAM.MSG.DELETE.alpha-JOBS-DLQ",
          "$JS.API.CONSUMER.CREATE.alpha-JOBS.x",
        ]
      ) {
        assert.match(await publishDenied(nc, subject), /permissions violation/i, subject);
      }
    } finally {
      await nc.close();
    }
  });
});

Deno.test("API token permissions map to NATS subjects: reads, query jobs, modify jobs, never writes", () => {
  const config = osapiConfig("/nonexistent");
  const subjects = {
    query: "alpha.jobs.query._any",
    modify: "alpha.jobs.modify.host.h1",
    read: "$JS.API.DIRECT.GET.KV_alpha-job-queue.$KV.alpha-job-queue.jobs.j1",
  };
  const never = [
    "$KV.alpha-audit-log.x",
    "$KV.alpha-worker-registry.h1",
    "$KV.alpha-job-queue.jobs.j1",
    "$KV.alpha-job-responses.j1.h1",
    "$JS.API.STREAM.MSG.DELETE.alpha-JOBS-DLQ",
    "$JS.API.STREAM.CREATE.alpha-JOBS",
    "$JS.API.STREAM.UPDATE.KV_alpha-audit-log",
    "$JS.API.CONSUMER.CREATE.KV_alpha-job-queue.x",
    "$JS.API.CONSUMER.DURABLE.CREATE.alpha-JOBS.x",
    "beta.jobs.query._any",
  ];
  // issue 8 §6: NATS cannot redact, so reads need every operation permission (what REST needs
  // to show every record unredacted); publishing a kind needs every permission of that kind
  const ops = [...OPERATIONS.values()];
  const kind = (
    k: string,
  ) => [...new Set(ops.filter((o) => o.kind === k).map((o) => o.permission))];
  const every = [...new Set([...ops.map((o) => o.permission), "command:execute" as const])];
  const cases: [Permission[], (keyof typeof subjects)[]][] = [
    [["health:read"], []],
    [["system:read", "network:read", "audit:read"], []],
    [["network:write"], []],
    [["job:read"], []],
    [["job:read", "system:read"], []],
    [["job:write"], []],
    [["command:execute"], []],
    [["job:read", ...every], ["read"]],
    [["job:write", ...kind("query")], ["query"]],
    [["job:write", ...kind("modify")], ["modify"]],
    [["job:read", "job:write", ...every], ["read", "query", "modify"]],
  ];
  for (const [perms, may] of cases) {
    const p = tokenNatsPermissions(config, new Set(perms), "alpha", "tester");
    for (const [what, subject] of Object.entries(subjects)) {
      assert.equal(allows(p.publish, subject), may.includes(what as never), `${perms}: ${what}`);
    }
    for (const subject of never) assert.ok(!allows(p.publish, subject), `${perms}: ${subject}`);
    assert.equal(allows(p.subscribe, "alpha.jobs.results.j1"), may.includes("read"), `${perms}`);
    assert.ok(!allows(p.subscribe, "_INBOX.beta.x"));
    // its own inbox only (issue 8 §1)
    const own = credentialId({ type: "token", subject: "tester" });
    assert.ok(allows(p.subscribe, `_INBOX.alpha.${own}.x`));
    assert.ok(!allows(p.subscribe, "_INBOX.alpha.x"));
    assert.ok(!allows(p.subscribe, "_INBOX.alpha.u_api.x"));
  }
});

Deno.test("osapi callout: encrypted with a configured xkey", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const x = generateKey("curve");
    const file = `${dir}/xkey.nk`;
    await Deno.writeTextFile(file, x.seed + "\n", { mode: 0o600 });
    await osapiSetup(async ({ s, svc }) => {
      assert.equal(svc.xkeyPublicKey, x.publicKey);
      const nc = await tryConnect(s.url, { user: "alice", pass: "alice-pw" });
      if (nc instanceof Error) throw nc;
      await nc.close();
      assert.equal(svc.stats.allowed, 1);
    }, { xkey_seed_file: file });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("osapi callout: configuration errors name the key and never the secret", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const bad = configFromRaw({
      data_dir: dir,
      nats: {
        server: {
          auth: {
            callout: {
              users: [{ username: "bob", password: "plain-secret" }],
              target_account: "AUTH",
            },
          },
        },
      },
    });
    const e = await calloutConfigFragment(bad, { bcryptCost: 4 }).catch((e) => e);
    assert.ok(e instanceof ConfigError);
    assert.match(e.message, /users\[0\]\.password: invalid value "\*\*\*\*"; expected a bcrypt/);
    assert.match(e.message, /target_account/);
    assert.ok(!e.message.includes("plain-secret"));
    const missing = configFromRaw({
      data_dir: dir,
      nats: { server: { auth: { callout: { xkey_seed_file: `${dir}/nope.nk` } } } },
    });
    await assert.rejects(() => ensureCalloutKeys(missing), /xkey_seed_file: file .* not found/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("osapi callout keys are generated once, 0600, and reused", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const config = configFromRaw({ data_dir: dir });
    const a = await ensureCalloutKeys(config);
    const b = await ensureCalloutKeys(config);
    assert.equal(a.issuer.getPublicKey(), b.issuer.getPublicKey());
    assert.equal(a.servicePublicKey, b.servicePublicKey);
    assert.equal((await Deno.stat(`${dir}/callout/issuer.nk`)).mode! & 0o777, 0o600);
    assert.equal((await Deno.stat(`${dir}/callout/service.nk`)).mode! & 0o777, 0o600);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("osapi callout: the empty namespace next to another namespace in one account is a config error", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const user = (extra: Record<string, string>) => ({
      username: "w",
      password: bcrypt.hashSync("w-pw", 4),
      role: "worker",
      namespace: "b",
      ...extra,
    });
    const config = (extra: Record<string, string>) =>
      configFromRaw({
        data_dir: dir,
        nats: { server: { namespace: "", auth: { callout: { users: [user(extra)] } } } },
      });
    const e = await calloutConfigFragment(config({}), { bcryptCost: 4 }).catch((e) => e);
    assert.ok(e instanceof ConfigError, String(e));
    assert.match(
      e.message,
      /nats\.server\.namespace: the empty namespace .*"b" \(nats\.server\.auth\.callout\.users\[0\]\.namespace\).*_INBOX\.>/,
    );
    // in an account of its own, namespace b shares nothing with the empty namespace's tokens
    assert.match(await calloutConfigFragment(config({ account: "B" }), { bcryptCost: 4 }), /B: \{/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
