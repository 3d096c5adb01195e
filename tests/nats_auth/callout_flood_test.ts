/**
 * Issue 8 §2: a flood of wrong-password logins cannot starve legitimate logins and renewals
 * (the callout's login limits), and component users do not depend on the callout.
 */
import assert from "node:assert/strict";
import bcrypt from "bcryptjs";
import { LoginLimiter } from "../../src/nats_auth/callout_limits.ts";
import { calloutConfigFragment } from "../../src/nats_auth/callout_service.ts";
import { configFromRaw } from "../../src/config/load.ts";

Deno.test("login limits: a wrong-password flood is bounded; known pairs skip bcrypt", async () => {
  const hash = bcrypt.hashSync("api-pw", 4);
  let running = 0;
  let peak = 0;
  const verify = (pass: string) => async () => {
    running++;
    peak = Math.max(peak, running);
    try {
      return await bcrypt.compare(pass, hash);
    } finally {
      running--;
    }
  };
  const l = new LoginLimiter({ concurrency: 2, queue: 4, sourceFailures: 50 });
  assert.deepEqual(await l.check("api", "api-pw", "10.0.0.1", verify("api-pw")), { ok: true });
  // 300 wrong passwords at once from one host (bounded flood)
  const flood = Array.from(
    { length: 300 },
    (_, i) => l.check("api", `wrong-${i}`, "10.0.0.9", verify(`wrong-${i}`)),
  );
  // a renewal of the verified pair during the flood: answered without bcrypt
  const renewal = await l.check("api", "api-pw", "10.0.0.9", verify("api-pw"));
  assert.deepEqual(renewal, { ok: true });
  const verdicts = await Promise.all(flood);
  assert.ok(verdicts.every((v) => !v.ok));
  assert.ok(peak <= 2, `bcrypt concurrency ${peak}`);
  assert.ok(l.stats.bcrypt <= 1 + 50 + 6, `bcrypt checks ${l.stats.bcrypt}`);
  assert.ok(l.stats.refusedBusy + l.stats.refusedSource > 0);
  // a failed pair is refused from the negative cache, never logged with the password
  const again = await l.check("api", "wrong-1", "10.0.0.2", verify("wrong-1"));
  assert.equal(again.ok, false);
  assert.ok(!JSON.stringify(again).includes("wrong-1"));
  // a legitimate login from another host still gets bcrypt after the flood
  assert.deepEqual(await l.check("api", "api-pw", "10.0.0.3", verify("api-pw")), { ok: true });
});

Deno.test("login limits: a flood from one host leaves room for another host's first login", async () => {
  const hash = bcrypt.hashSync("bob-pw", 4);
  // the flood's checks never finish while bob logs in: without a per-host share its requests
  // would hold every running and waiting place
  const gate = Promise.withResolvers<void>();
  const stuck = () => gate.promise.then(() => false);
  const l = new LoginLimiter({ concurrency: 2, queue: 8, sourceInFlight: 3, sourceFailures: 500 });
  const flood = Array.from(
    { length: 50 },
    (_, i) => l.check("alice", `wrong-${i}`, "10.0.0.9", stuck),
  );
  await new Promise((r) => setTimeout(r, 10));
  const bob = l.check("bob", "bob-pw", "10.0.0.1", () => bcrypt.compare("bob-pw", hash));
  gate.resolve();
  assert.deepEqual(await bob, { ok: true });
  const verdicts = await Promise.all(flood);
  assert.equal(verdicts.filter((v) => !v.ok && /from this host/.test(v.reason)).length, 47);
});

Deno.test("callout fragment: component users are server auth users, others go through the callout", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const config = configFromRaw({
      data_dir: dir,
      nats: {
        server: {
          auth: {
            type: "callout",
            callout: {
              users: [
                { username: "api", password: bcrypt.hashSync("a", 4), role: "api" },
                { username: "wk", password: bcrypt.hashSync("w", 4), role: "worker" },
                { username: "viewer", password: bcrypt.hashSync("v", 4), role: "view" },
              ],
            },
          },
        },
      },
    });
    const text = await calloutConfigFragment(config, { bcryptCost: 4 });
    const authUsers = text.match(/auth_users: \[(.*)\]/)![1];
    assert.match(authUsers, /"api"/);
    assert.match(authUsers, /"wk"/);
    assert.doesNotMatch(authUsers, /"viewer"/);
    assert.match(text, /user: "api"/);
    const bad = configFromRaw({
      data_dir: dir,
      nats: { server: { auth: { type: "callout", callout: { auth_user_roles: ["root"] } } } },
    });
    const e = await calloutConfigFragment(bad, { bcryptCost: 4 }).catch((e) => e);
    assert.match(String(e), /auth_user_roles\[0\].*"root".*expected one of/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
