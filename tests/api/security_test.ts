/**
 * `GET /security` and `GET /security/token`: the dashboard's security overview shows names and
 * public keys only (never passwords, seeds, tokens or JWTs), needs `audit:read`, and the token
 * endpoint tells a caller its effective permissions.
 */
import assert from "node:assert/strict";
import { startTestApi } from "../helpers/api.ts";
import { configPermissions, initOperator } from "../../src/nats_auth/operator_init.ts";
import { testConfig } from "../helpers/api.ts";

/** Any NATS seed (SO/SA/SU/SX...) or JWT in a text. */
const SEED = /\bS[OAUXN][A-Z2-7]{50,}/;
const JWT = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/;

Deno.test("GET /security: user_pass users without passwords; 403 without audit:read, 401 without a token", async () => {
  await using api = await startTestApi({
    workers: [],
    raw: {
      nats: {
        server: {
          auth: {
            type: "user_pass",
            users: [
              { username: "ops-api", password: "pw-ops-api-123", role: "api" },
              { username: "web-1", password: "pw-web-1-456", role: "worker", hostname: "web-1" },
            ],
          },
        },
      },
    },
  });
  const r = await api.admin.call("GET", "/security");
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.nats.auth_mode, "user_pass");
  assert.deepEqual(
    r.body.nats.users.map((u: { name: string }) => u.name),
    ["ops-api", "web-1"],
  );
  assert.ok(r.body.nats.namespaces.includes("apitest"), r.text);
  assert.doesNotMatch(r.text, /pw-ops-api-123|pw-web-1-456|password/);
  assert.doesNotMatch(r.text, SEED);
  assert.doesNotMatch(r.text, JWT);

  const read = await api.as({ roles: ["read"] });
  const denied = await read.call("GET", "/security");
  assert.equal(denied.status, 403, denied.text);
  assert.match(denied.body.detail, /permission audit:read required/);
  assert.equal((await api.anonymous.call("GET", "/security")).status, 401);
});

Deno.test("GET /security: operator accounts and users with public keys and creds expiry, no seeds", async () => {
  const dir = await Deno.makeTempDir({ prefix: "osapi-security-test-" });
  try {
    const raw = { nats: { server: { auth: { type: "operator", operator: { dir } } } } };
    const init = await initOperator({
      dir,
      namespaces: ["apitest"],
      resolver: "memory",
      permissions: configPermissions(testConfig(raw)),
    });
    await using api = await startTestApi({ workers: [], raw });
    const r = await api.admin.call("GET", "/security");
    assert.equal(r.status, 200, r.text);
    const body = r.body;
    assert.equal(body.nats.auth_mode, "operator");
    const accounts = new Map(
      body.nats.accounts.map((a: { name: string; public_key: string }) => [a.name, a.public_key]),
    );
    assert.ok(accounts.has("SYS") && accounts.has("apitest"), r.text);
    assert.match(String(accounts.get("apitest")), /^A[A-Z2-7]{55}$/);
    const users = body.nats.users.filter((u: { account: string }) => u.account === "apitest");
    assert.deepEqual(users.map((u: { name: string }) => u.name).sort(), ["admin", "api", "worker"]);
    for (const u of users) assert.match(u.public_key, /^U[A-Z2-7]{55}$/);
    const creds = body.credentials.filter((c: { kind: string }) => c.kind === "NATS user creds");
    assert.ok(creds.length >= 3, r.text);
    for (const c of creds) assert.equal(typeof c.expired, "boolean");
    assert.doesNotMatch(r.text, SEED);
    assert.doesNotMatch(r.text, JWT);
    assert.ok(!r.text.includes(init.systemCreds.trim().split("\n")[1] ?? "-"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("GET /security/token: the caller's subject, roles and effective permissions", async () => {
  await using api = await startTestApi({ workers: [] });
  const read = await api.as({ subject: "viewer@example.com", roles: ["read"] });
  const r = await read.call("GET", "/security/token");
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body, {
    subject: "viewer@example.com",
    roles: ["read"],
    permissions: [
      "cron:read",
      "docker:read",
      "file:read",
      "health:read",
      "job:read",
      "network:read",
      "node:read",
      "sysctl:read",
      "system:read",
      "timezone:read",
    ],
  });
  const custom = await api.as({ roles: [], permissions: ["audit:read", "bogus"] });
  assert.deepEqual((await custom.call("GET", "/security/token")).body.permissions, ["audit:read"]);
  assert.equal((await api.anonymous.call("GET", "/security/token")).status, 401);
});
