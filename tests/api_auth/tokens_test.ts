/** API tokens, RBAC role tables and the signing key file. */
import assert from "node:assert/strict";
import { buildRoleTable, effectivePermissions } from "../../src/api_auth/rbac.ts";
import { DEFAULT_ROLES, PERMISSIONS } from "../../src/core/permissions.ts";
import { loadSigningKey } from "../../src/api_auth/signing_key.ts";
import { signingKeyPath } from "../../src/config/state_layout.ts";
import { signToken, TokenError, verifyToken } from "../../src/api_auth/tokens.ts";
import { ConfigError, configFromRaw } from "../../src/config/load.ts";

const KEY = "unit-test-key-0123456789abcdef0123456789";

Deno.test("signed tokens verify with their claims", async () => {
  const token = await signToken(KEY, {
    subject: "ops@example.com",
    roles: ["write"],
    permissions: ["system:read"],
    expiresInMs: 3600_000,
  });
  const claims = await verifyToken(KEY, token);
  assert.equal(claims.sub, "ops@example.com");
  assert.deepEqual(claims.roles, ["write"]);
  assert.deepEqual(claims.permissions, ["system:read"]);
  assert.equal(claims.iss, "osapi");
  assert.equal(claims.exp - claims.iat, 3600);
  const header = JSON.parse(atob(token.split(".")[0]));
  assert.equal(header.alg, "HS256");
  const noPerms = await verifyToken(KEY, await signToken(KEY, { subject: "a", roles: ["read"] }));
  assert.equal(noPerms.permissions, undefined);
});

Deno.test("expired, foreign, tampered and malformed tokens are refused without the token", async () => {
  const expired = await signToken(KEY, {
    subject: "a",
    roles: ["admin"],
    now: new Date(Date.now() - 7200_000),
    expiresInMs: 3600_000,
  });
  await assert.rejects(verifyToken(KEY, expired), (e: Error) => {
    assert.ok(e instanceof TokenError);
    assert.match(e.message, /expired/);
    assert.ok(!e.message.includes(expired));
    return true;
  });
  const good = await signToken(KEY, { subject: "a", roles: ["read"] });
  await assert.rejects(verifyToken("other-key-0123456789abcdef", good), /signature/);
  const [h, , s] = good.split(".");
  const forged = btoa(
    JSON.stringify({ sub: "a", roles: ["admin"], iss: "osapi", iat: 1, exp: 9e9 }),
  )
    .replace(/=+$/, "");
  await assert.rejects(verifyToken(KEY, `${h}.${forged}.${s}`), /signature/);
  await assert.rejects(verifyToken(KEY, "abc"), /malformed/);
  await assert.rejects(verifyToken("", good), /no signing key/);
  await assert.rejects(signToken(KEY, { subject: " ", roles: [] }), /subject/);
});

Deno.test("role table: defaults, custom roles, overrides, permissions claim", () => {
  const table = buildRoleTable({
    ops: { permissions: ["system:read"] },
    write: { permissions: ["job:read"] },
  });
  assert.deepEqual([...table.get("admin")!].sort(), [...PERMISSIONS].sort());
  assert.deepEqual([...table.get("read")!], [...DEFAULT_ROLES.read]);
  assert.deepEqual([...table.get("write")!], ["job:read"]);
  assert.deepEqual([...effectivePermissions({ roles: ["ops", "read"] }, table)].sort(), [
    "agent:read",
    "certificate:read",
    "cron:read",
    "docker:read",
    "file:read",
    "health:read",
    "job:read",
    "log:read",
    "network:read",
    "node:read",
    "ntp:read",
    "package:read",
    "process:read",
    "service:read",
    "sysctl:read",
    "system:read",
    "timezone:read",
    "user:read",
  ]);
  assert.deepEqual([...effectivePermissions({ roles: ["ghost"] }, table)], []);
  assert.deepEqual(
    [...effectivePermissions({ roles: ["admin"], permissions: ["audit:read", "bogus"] }, table)],
    ["audit:read"],
  );
  assert.equal(DEFAULT_ROLES.read.includes("command:execute"), false);
  assert.equal(DEFAULT_ROLES.write.includes("command:execute"), false);
  assert.equal(DEFAULT_ROLES.write.includes("power:execute"), false);
});

Deno.test("role table: unknown permissions and bad role names name the key", () => {
  assert.throws(
    () => buildRoleTable({ ops: { permissions: ["system:read", "system:reboot"] } }),
    (e: Error) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /api\.server\.security\.roles\.ops\.permissions/);
      assert.match(e.message, /"system:reboot"/);
      assert.match(e.message, /allowed: system:read/);
      return true;
    },
  );
  assert.throws(
    () => buildRoleTable({ "bad role": { permissions: [] } }),
    /invalid role name "bad role"/,
  );
});

Deno.test("signing key: configured wins; otherwise generated once, 0600, then reused", async () => {
  const dir = await Deno.makeTempDir({ prefix: "osapi-key-test-" });
  try {
    const configured = configFromRaw({
      data_dir: dir,
      api: { server: { security: { signing_key: "from-config" } } },
    });
    assert.deepEqual(await loadSigningKey(configured), { key: "from-config", source: "config" });
    const config = configFromRaw({ data_dir: dir });
    await assert.rejects(loadSigningKey(config, { create: false }), /signing_key/);
    const first = await loadSigningKey(config);
    assert.equal(first.source, "generated");
    assert.match(first.key, /^[0-9a-f]{64}$/);
    const path = signingKeyPath(config);
    assert.equal(path, `${dir}/api/signing.key`);
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    assert.equal((await Deno.stat(`${dir}/api`)).mode! & 0o777, 0o700);
    const again = await loadSigningKey(config);
    assert.deepEqual(again, { key: first.key, source: "file", path });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a signing key file readable by others is set back to 0600, with a warning", async () => {
  const { loadSigningKey } = await import("../../src/api_auth/signing_key.ts");
  const { signingKeyPath } = await import("../../src/config/state_layout.ts");
  const dir = await Deno.makeTempDir();
  try {
    const config = configFromRaw({ data_dir: dir });
    const first = await loadSigningKey(config);
    assert.equal(first.source, "generated");
    const path = signingKeyPath(config);
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    await Deno.chmod(path, 0o644);
    const warnings: string[] = [];
    const again = await loadSigningKey(config, { warn: (m) => warnings.push(m) });
    assert.equal(again.key, first.key);
    assert.equal(again.source, "file");
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    assert.match(warnings.join(), /readable by group or others; mode set to 600/);
    assert.doesNotMatch(warnings.join(), new RegExp(first.key));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
