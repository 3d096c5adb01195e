/**
 * Token lifetime and issue-time policy (issue 8 §7): an `exp` far in the future (1e300), an
 * `iat` in the future and a lifetime over `api.server.security.max_token_lifetime` are refused
 * by the verifier, by the API (401, logged without the token) and by the auth callout; the
 * generator refuses a lifetime over the maximum; bad policy values are configuration errors.
 */
import assert from "node:assert/strict";
import { SignJWT } from "jose";
import {
  DEFAULT_MAX_TOKEN_LIFETIME_MS,
  signToken,
  TokenError,
  tokenPolicy,
  verifyToken,
} from "../../src/api_auth/tokens.ts";
import { ConfigError } from "../../src/config/load.ts";
import { Logger } from "../../src/log.ts";
import { osapiAuthorizer } from "../../src/nats_auth/callout_service.ts";
import type { CalloutRequest } from "../../src/nats_auth/callout.ts";
import { startTestApi, TEST_KEY, testConfig } from "../helpers/api.ts";

const now = () => Math.floor(Date.now() / 1000);

/** A token signed with `key` carrying exactly `iat` and `exp` (no checks on them). */
async function rawToken(iat: number, exp: number, key = TEST_KEY): Promise<string> {
  return await new SignJWT({ roles: ["admin"] })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject("mallory")
    .setIssuer("osapi")
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(key));
}

Deno.test("verifier: exp 1e300, iat in the future and lifetime over the maximum are refused", async () => {
  const t = now();
  await assert.rejects(verifyToken(TEST_KEY, await rawToken(t, 1e300)), (e: Error) => {
    assert.ok(e instanceof TokenError);
    assert.match(e.message, /lifetime exceeds the maximum/);
    return true;
  });
  await assert.rejects(
    verifyToken(TEST_KEY, await rawToken(t + 3600, t + 7200)),
    /iat is in the future/,
  );
  const overYear = t + DEFAULT_MAX_TOKEN_LIFETIME_MS / 1000 + 60;
  await assert.rejects(verifyToken(TEST_KEY, await rawToken(t, overYear)), /maximum/);
  // within the skew and within the maximum: accepted
  const ok = await verifyToken(TEST_KEY, await rawToken(t + 30, t + 3600));
  assert.equal(ok.sub, "mallory");
  // a configured maximum and skew apply
  const policy = { maxLifetimeMs: 3600_000, clockSkewMs: 0 };
  await assert.rejects(verifyToken(TEST_KEY, await rawToken(t, t + 7200), policy), /3600s/);
  await assert.rejects(
    verifyToken(TEST_KEY, await rawToken(t + 30, t + 600), policy),
    /in the future/,
  );
  await verifyToken(TEST_KEY, await rawToken(t, t + 3600), policy);
});

Deno.test("generator refuses a lifetime over the maximum", async () => {
  await assert.rejects(
    signToken(TEST_KEY, { subject: "a", roles: ["read"], expiresInMs: 400 * 24 * 3600_000 }),
    /exceeds the maximum/,
  );
  await assert.rejects(
    signToken(TEST_KEY, {
      subject: "a",
      roles: ["read"],
      expiresInMs: 7200_000,
      maxLifetimeMs: 3600_000,
    }),
    /max_token_lifetime/,
  );
  await signToken(TEST_KEY, { subject: "a", roles: ["read"], expiresInMs: 300 * 24 * 3600_000 });
});

Deno.test("config: policy keys have defaults and bad values are clear errors", () => {
  const c = testConfig();
  assert.deepEqual(tokenPolicy(c), {
    maxLifetimeMs: DEFAULT_MAX_TOKEN_LIFETIME_MS,
    clockSkewMs: 60_000,
  });
  assert.throws(
    () => testConfig({ api: { server: { security: { max_token_lifetime: "0s" } } } }),
    (e: Error) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /api\.server\.security\.max_token_lifetime: 0s is not allowed/);
      return true;
    },
  );
  assert.throws(
    () => testConfig({ api: { server: { security: { token_clock_skew: "soon" } } } }),
    /api\.server\.security\.token_clock_skew/,
  );
});

Deno.test("API: such tokens get 401 and the log names the reason, never the token", async () => {
  const lines: string[] = [];
  const log = new Logger("test", "debug", "text", (l) => lines.push(l));
  await using api = await startTestApi({
    log,
    workers: [],
    raw: { api: { server: { security: { max_token_lifetime: "48h" } } } },
  });
  const t = now();
  const tokens = [
    await rawToken(t, 1e300),
    await rawToken(t + 3600, t + 7200),
    await rawToken(t, t + 72 * 3600),
  ];
  for (const token of tokens) {
    const r = await fetch(`${api.url}/api/job`, { headers: { authorization: `Bearer ${token}` } });
    const body = await r.json();
    assert.equal(r.status, 401, JSON.stringify(body));
    assert.match(body.detail, /invalid bearer token: token (claim iat|lifetime)/);
  }
  const good = await rawToken(t, t + 24 * 3600);
  const ok = await fetch(`${api.url}/api/job`, { headers: { authorization: `Bearer ${good}` } });
  await ok.body?.cancel();
  assert.notEqual(ok.status, 401);
  const text = lines.join("\n");
  assert.match(text, /rejected bearer token/);
  for (const token of tokens) {
    assert.ok(!text.includes(token), "a token is in the log");
    assert.ok(!text.includes(token.split(".")[2]), "a token signature is in the log");
  }
  assert.ok(!text.includes(TEST_KEY), "the signing key is in the log");
});

Deno.test("auth callout: such tokens are refused", async () => {
  const config = testConfig({ api: { server: { security: { max_token_lifetime: "48h" } } } });
  const authorize = osapiAuthorizer(config, { signingKey: TEST_KEY });
  const t = now();
  const ask = async (token: string) =>
    await authorize({ connect: { auth_token: token } } as unknown as CalloutRequest);
  for (
    const token of [
      await rawToken(t, 1e300),
      await rawToken(t + 3600, t + 7200),
      await rawToken(t, t + 72 * 3600),
    ]
  ) {
    const d = await ask(token);
    assert.equal(d.allow, false);
    if (!d.allow) assert.match(d.reason, /iat is in the future|lifetime exceeds/);
  }
  const d = await ask(await rawToken(t, t + 3600));
  assert.equal(d.allow, true);
});
