/**
 * Bearer authentication and RBAC over real HTTP, on the real job layer (nats-server, job client,
 * in-process workers): 401 for missing, malformed, expired, tampered or foreign tokens; 403 for
 * a missing permission; custom roles, overridden built-in roles and the permissions claim;
 * public health paths; CORS; and no token in the logs.
 */
import assert from "node:assert/strict";
import { signToken, verifyToken } from "../../src/api_auth/tokens.ts";
import { VerifiedTokens } from "../../src/api/middleware/auth.ts";
import { Logger } from "../../src/log.ts";
import { startTestApi, TEST_KEY, testToken } from "../helpers/api.ts";
import type { CheckedResponse } from "../helpers/openapi.ts";

function assertStatus(r: CheckedResponse, status: number, detail?: RegExp): void {
  assert.equal(r.status, status, r.text);
  if (status >= 400) {
    assert.match(r.headers.get("content-type") ?? "", /^application\/problem\+json/);
    if (detail) assert.match(r.body.detail, detail);
  }
}

/** Flips one character of the payload part, keeping the signature. */
function tamper(token: string): string {
  const [h, p, s] = token.split(".");
  const claims = JSON.parse(atob(p.replace(/-/g, "+").replace(/_/g, "/")));
  claims.roles = ["admin"];
  claims.sub = "mallory";
  const b64 = btoa(JSON.stringify(claims)).replace(/=+$/, "").replace(/\+/g, "-").replace(
    /\//g,
    "_",
  );
  return `${h}.${b64}.${s}`;
}

Deno.test("401 for missing, malformed, expired, tampered and foreign tokens", async () => {
  const lines: string[] = [];
  const log = new Logger("test", "debug", "text", (l) => lines.push(l));
  await using api = await startTestApi({ log, workers: [] });
  const expired = await testToken({
    now: new Date(Date.now() - 2 * 3600_000),
    expiresInMs: 3600_000,
  });
  const readToken = await testToken({ roles: ["read"] });
  const foreign = await signToken("another-key-entirely-0123456789abcdef", {
    subject: "x",
    roles: ["admin"],
  });
  const wrongIssuer = await (async () => {
    const { SignJWT } = await import("jose");
    return await new SignJWT({ roles: ["admin"] }).setProtectedHeader({ alg: "HS256" })
      .setSubject("x").setIssuer("someone-else").setIssuedAt().setExpirationTime("1h")
      .sign(new TextEncoder().encode(TEST_KEY));
  })();
  const unsigned = `${btoa(JSON.stringify({ alg: "none", typ: "JWT" })).replace(/=+$/, "")}.${
    btoa(JSON.stringify({ sub: "x", roles: ["admin"], iss: "osapi", exp: 9e9, iat: 1 }))
      .replace(/=+$/, "")
  }.`;

  assertStatus(await api.anonymous.call("GET", "/system/hostname"), 401, /missing bearer token/);
  assertStatus(
    await api.anonymous.call("GET", "/system/hostname", {
      headers: { authorization: `Basic ${btoa("a:b")}` },
    }),
    401,
    /malformed Authorization/,
  );
  assertStatus(
    await api.anonymous.withToken("not.a.jwt").call("GET", "/system/hostname"),
    401,
    /malformed/,
  );
  assertStatus(
    await api.anonymous.withToken(expired).call("GET", "/system/hostname"),
    401,
    /expired/,
  );
  assertStatus(
    await api.anonymous.withToken(tamper(readToken)).call("GET", "/system/status"),
    401,
    /signature/,
  );
  assertStatus(
    await api.anonymous.withToken(foreign).call("GET", "/job"),
    401,
    /signature/,
  );
  assertStatus(
    await api.anonymous.withToken(wrongIssuer).call("GET", "/job"),
    401,
    /iss/,
  );
  assertStatus(
    await api.anonymous.withToken(unsigned).call("GET", "/job"),
    401,
  );
  // 401 comes before input validation.
  assertStatus(
    await api.anonymous.call("POST", "/command/exec", { body: "{bad" }),
    401,
  );
  // Rejections are logged with the reason, never with the token.
  const log_ = lines.join("\n");
  assert.match(log_, /rejected bearer token/);
  assert.match(log_, /expired/);
  for (const t of [expired, readToken, foreign, tamper(readToken), wrongIssuer]) {
    assert.ok(!log_.includes(t.split(".")[2]), "token signature leaked into the log");
  }
});

Deno.test("403 for a missing permission; public health and document", async () => {
  await using api = await startTestApi();
  const read = await api.as({ roles: ["read"] });
  assertStatus(
    await read.call("POST", "/command/exec", { body: { command: "echo" } }),
    403,
    /command:execute/,
  );
  assertStatus(await read.call("GET", "/audit"), 403, /audit:read/);
  const ping = { body: { address: "127.0.0.1", count: 1 } };
  assertStatus(await read.call("POST", "/network/ping", ping), 403, /network:write/);
  assertStatus(await read.call("GET", "/system/hostname"), 200);
  assertStatus(await read.call("GET", "/job"), 200);
  const write = await api.as({ roles: ["write"] });
  assertStatus(await write.call("POST", "/network/ping", ping), 200);
  assertStatus(await write.call("POST", "/command/shell", { body: { command: "id" } }), 403);
  const nobody = await api.as({ roles: ["no-such-role"] });
  assertStatus(await nobody.call("GET", "/system/hostname"), 403);
  assertStatus(await nobody.call("GET", "/openapi.json"), 200);
  // the document and its docs page are public by default (api.server.docs.require_token)
  assertStatus(await api.anonymous.call("GET", "/openapi.json"), 200);
  assertStatus(await api.anonymous.call("GET", "/docs"), 200);
  assertStatus(await api.anonymous.call("GET", "/metrics"), 401);
  assertStatus(await api.anonymous.call("GET", "/health"), 200);
  const ready = await api.anonymous.call("GET", "/health/ready");
  assertStatus(ready, 200);
  assert.equal(ready.body.status, "ready");
  assertStatus(await api.anonymous.call("GET", "/health/status"), 401);
});

Deno.test("custom roles work, built-in roles can be overridden, permissions claim wins", async () => {
  await using api = await startTestApi({
    raw: {
      api: {
        server: {
          security: {
            roles: {
              ops: { permissions: ["system:read", "health:read"] },
              "net.admin": { permissions: ["network:read", "network:write"] },
              read: { permissions: ["health:read"] },
            },
          },
        },
      },
    },
  });
  const ops = await api.as({ roles: ["ops"] });
  assertStatus(await ops.call("GET", "/system/hostname"), 200);
  assertStatus(await ops.call("GET", "/health/status"), 200);
  assertStatus(await ops.call("GET", "/job"), 403);
  const net = await api.as({ roles: ["net.admin"] });
  assertStatus(await net.call("GET", "/network/dns/eth0"), 200);
  assertStatus(await net.call("GET", "/system/hostname"), 403);
  const both = await api.as({ roles: ["ops", "net.admin"] });
  assertStatus(await both.call("GET", "/network/dns/eth0"), 200);
  assertStatus(await both.call("GET", "/system/hostname"), 200);
  // The configured `read` replaces the default read permissions.
  const read = await api.as({ roles: ["read"] });
  assertStatus(await read.call("GET", "/system/hostname"), 403);
  assertStatus(await read.call("GET", "/health/status"), 200);
  // A permissions claim overrides the roles, even admin.
  const narrowed = await api.as({ roles: ["admin"], permissions: ["system:read"] });
  assertStatus(await narrowed.call("GET", "/system/hostname"), 200);
  assertStatus(await narrowed.call("POST", "/command/exec", { body: { command: "id" } }), 403);
  const widened = await api.as({ roles: [], permissions: ["command:execute"] });
  assertStatus(await widened.call("POST", "/command/exec", { body: { command: "id" } }), 202);
});

Deno.test("CORS answers allowed origins only; preflight needs no token", async () => {
  await using api = await startTestApi({
    raw: { api: { server: { security: { cors: { allow_origins: ["https://ui.example.com"] } } } } },
    workers: [{ hostname: "host-a" }],
  });
  const pre = await fetch(`${api.url}/system/hostname`, {
    method: "OPTIONS",
    headers: {
      origin: "https://ui.example.com",
      "access-control-request-method": "GET",
      "access-control-request-headers": "authorization",
    },
  });
  await pre.body?.cancel();
  assert.equal(pre.status, 204);
  assert.equal(pre.headers.get("access-control-allow-origin"), "https://ui.example.com");
  assert.match(pre.headers.get("access-control-allow-headers") ?? "", /authorization/i);
  const ok = await api.admin.call("GET", "/system/hostname", {
    headers: { origin: "https://ui.example.com" },
  });
  assert.equal(ok.headers.get("access-control-allow-origin"), "https://ui.example.com");
  const other = await api.admin.call("GET", "/system/hostname", {
    headers: { origin: "https://evil.example.net" },
  });
  assert.equal(other.headers.get("access-control-allow-origin"), null);
});

Deno.test("the verified-token cache re-checks the expiry on every use", async () => {
  const cache = new VerifiedTokens();
  const token = await testToken({ expiresInMs: 60_000 });
  const claims = await verifyToken(TEST_KEY, token);
  cache.set(token, claims);
  assert.equal(cache.get(token, claims.exp * 1000 - 1), claims);
  assert.equal(cache.get(token, claims.exp * 1000), undefined, "expired: verify again");
  assert.equal(cache.get(token, claims.exp * 1000 - 1), undefined, "and it was dropped");
  assert.equal(cache.get(await testToken({ subject: "other" }), Date.now()), undefined);
});
