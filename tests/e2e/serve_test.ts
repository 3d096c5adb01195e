import assert from "node:assert/strict";
import { waitHttpOk } from "../helpers/nats_server.ts";
import { runOsapi } from "../helpers/osapi.ts";
import { pidsWith, startServe } from "../helpers/serve.ts";

async function gone(pid: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    try {
      const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
      if (stat.split(" ")[2] === "Z") return true; // zombie: exited, not yet reaped
    } catch {
      return true;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

Deno.test("serve with no config: supervised JetStream nats-server, restart after kill -9, clean SIGTERM", async () => {
  await using s = await startServe();
  await waitHttpOk(`${s.monitorUrl}/healthz?js-enabled-only=true`, 5_000);
  const first = await s.natsPid();
  assert.ok(first, "nats-server child runs");
  assert.equal((await Deno.stat(`${s.dataDir}/api/admin.token`)).mode! & 0o777, 0o600);
  assert.match(s.output(), /admin token \(0600\): .*admin\.token/);

  Deno.kill(first, "SIGKILL");
  const killedAt = Date.now();
  let second: number | undefined;
  while (Date.now() - killedAt < 3_000) {
    second = await s.natsPid();
    if (second && second !== first) {
      try {
        const r = await fetch(`${s.monitorUrl}/healthz?js-enabled-only=true`);
        await r.body?.cancel();
        if (r.ok) break;
      } catch { /* not yet */ }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(second && second !== first, "a new nats-server was started");
  assert.ok(Date.now() - killedAt < 3_000, "restarted and ready within 3 s");

  const stopAt = Date.now();
  const code = await s.stop();
  assert.ok(Date.now() - stopAt < 5_000, "osapi exited within 5 s");
  assert.equal(code, 0, s.output());
  assert.ok(await gone(second!, 1_000), "no nats-server left");
  assert.deepEqual(await pidsWith(`${s.dataDir}/nats/nats-server.conf`), []);
});

Deno.test("serve end to end: token, hostname, exec, RBAC", async () => {
  await using s = await startServe();
  const env = s.env;
  const admin = await runOsapi([
    "token",
    "generate",
    "--roles",
    "admin",
    "--subject",
    "ops@example.com",
  ], { env });
  assert.equal(admin.code, 0, admin.stderr);
  const token = admin.stdout.trim();

  const host = await runOsapi(["client", "system", "hostname", "--token", token], { env });
  assert.equal(host.code, 0, host.stderr);
  assert.match(host.stdout, new RegExp(`\\b${Deno.hostname()}\\b`));

  const exec = await runOsapi(["client", "system", "exec", "--token", token, "--", "echo", "hi"], {
    env,
  });
  assert.equal(exec.code, 0, exec.stderr);
  assert.match(exec.stdout, /^hi$/m);

  const read =
    (await runOsapi(["token", "generate", "--roles", "read", "--subject", "viewer"], { env }))
      .stdout.trim();
  const denied = await runOsapi(["client", "system", "exec", "--token", read, "--", "echo", "hi"], {
    env,
  });
  assert.equal(denied.code, 1);
  assert.match(denied.stderr, /403/);

  const r = await fetch(`${s.apiUrl}/system/hostname`);
  assert.equal(r.status, 401);
  assert.match(r.headers.get("content-type") ?? "", /application\/problem\+json/);
  await r.body?.cancel();

  // With nothing configured, the client on this machine uses the admin token serve wrote.
  const local = await runOsapi(["client", "system", "hostname"], { env });
  assert.equal(local.code, 0, local.stderr);
});

Deno.test("serve refuses a component without credentials when server auth is on", async () => {
  const r = await runOsapi(["serve"], {
    env: { OSAPI_NATS_SERVER_AUTH_TYPE: "token", OSAPI_NATS_SERVER_AUTH_TOKEN: "t0ken-value" },
    cwd: "/",
  });
  assert.equal(r.code, 2);
  assert.match(
    r.stderr,
    /api\.server\.nats\.auth\.type is "none" but nats\.server\.auth\.type is "token"/,
  );
  assert.doesNotMatch(r.stderr, /t0ken-value/);
});
