/**
 * `osapi token` and `osapi client` as real child processes against a real API server backed by
 * a real nats-server, job client and worker.
 */
import assert from "node:assert/strict";
import { createJobClient } from "../../src/job/client.ts";
import { silent } from "../../src/log.ts";
import { connectNats } from "../../src/nats/connect.ts";
import { ensureResources, routerFor } from "../../src/nats/resources.ts";
import { startWorker } from "../../src/worker/worker.ts";
import { startTestApi, TEST_KEY, testConfig } from "../helpers/api.ts";
import { startNatsServer } from "../helpers/nats_server.ts";
import { runOsapi } from "../helpers/osapi.ts";

const NS = "clitest";

Deno.test("osapi token and osapi client against a real API", async (t) => {
  await using server = await startNatsServer();
  const nats = { urls: [server.url], namespace: NS };
  const config = testConfig({
    api: { server: { nats, jobs: { timeout: "15s", quiet_period: "300ms" } } },
    job: { worker: { nats, hostname: "worker-1" } },
  });
  const nc = await connectNats(config.api.server.nats, silent);
  const router = routerFor(config, NS);
  await ensureResources(nc, config, router, silent);
  const worker = await startWorker(config, { log: silent });
  const cwd = await Deno.makeTempDir({ prefix: "osapi-client-test-" });
  try {
    await using api = await startTestApi({
      config,
      jobs: createJobClient(nc, config, router, silent),
      nc,
    });
    const keySet = ["--set", `api.server.security.signing_key=${TEST_KEY}`];
    const osapi = (args: string[], env: Record<string, string> = {}) =>
      runOsapi(args, { cwd, env: { OSAPI_URL: api.url, ...env } });

    let admin = "";
    let reader = "";
    await t.step("token generate and validate", async () => {
      const gen = await osapi([
        ...keySet,
        "token",
        "generate",
        "--roles",
        "admin",
        "--subject",
        "ops@example.com",
        "--expires",
        "1h",
      ]);
      assert.equal(gen.code, 0, gen.stderr);
      admin = gen.stdout.trim();
      assert.match(admin, /^[\w-]+\.[\w-]+\.[\w-]+$/);
      const ro = await osapi([
        ...keySet,
        "token",
        "generate",
        "--roles",
        "read",
        "--subject",
        "ro",
      ]);
      reader = ro.stdout.trim();
      const val = await osapi([...keySet, "token", "validate", admin]);
      assert.equal(val.code, 0, val.stderr);
      const claims = JSON.parse(val.stdout);
      assert.equal(claims.sub, "ops@example.com");
      assert.deepEqual(claims.roles, ["admin"]);
      assert.equal(claims.exp - claims.iat, 3600);
      assert.ok(claims.effective_permissions.includes("command:execute"));
      const other = await osapi([
        "--set",
        "api.server.security.signing_key=some-other-key-0123456789",
        "token",
        "validate",
        admin,
      ]);
      assert.equal(other.code, 1);
      assert.match(other.stderr, /invalid token: token signature is invalid/);
      assert.ok(!other.stderr.includes(admin));
      const bad = await osapi([
        ...keySet,
        "token",
        "generate",
        "--roles",
        "root",
        "--subject",
        "x",
      ]);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /unknown role root; known roles: admin, write, read/);
      const badPerm = await osapi([
        ...keySet,
        "token",
        "generate",
        "--permissions",
        "system:read,disk:wipe",
        "--subject",
        "x",
      ]);
      assert.equal(badPerm.code, 2);
      assert.match(badPerm.stderr, /unknown permission disk:wipe/);
    });

    const as = (token: string) => ({ OSAPI_TOKEN: token });

    await t.step("system commands: table and --json", async () => {
      const tableOut = await osapi(["client", "system", "hostname"], as(admin));
      assert.equal(tableOut.code, 0, tableOut.stderr);
      assert.match(tableOut.stdout, /^HOSTNAME/m);
      assert.match(tableOut.stdout, /^worker-1/m);
      const json = await osapi(
        ["client", "--json", "system", "load", "--target", "_all"],
        as(admin),
      );
      assert.equal(json.code, 0, json.stderr);
      const body = JSON.parse(json.stdout);
      assert.equal(body.results[0].hostname, "worker-1");
      assert.equal(typeof body.results[0]["1min"], "number");
      const disk = await osapi(["client", "system", "disk"], as(admin));
      assert.equal(disk.code, 0, disk.stderr);
      assert.match(disk.stdout, /^HOSTNAME\s+NAME\s+MOUNT/m);
    });

    await t.step("exec prints the command's output; shell passes its exit code", async () => {
      const exec = await osapi(["client", "system", "exec", "--", "echo", "hi"], as(admin));
      assert.equal(exec.code, 0, exec.stderr);
      assert.equal(exec.stdout, "hi\n");
      const shell = await osapi(["client", "system", "shell", "echo oops >&2; exit 3"], as(admin));
      assert.equal(shell.code, 3);
      assert.equal(shell.stderr, "oops\n");
    });

    await t.step("errors print the problem detail and exit 1", async () => {
      const target = await osapi(
        ["client", "system", "exec", "--target", "nowhere", "--", "echo", "hi"],
        as(admin),
      );
      assert.equal(target.code, 1);
      assert.match(target.stderr, /400 Bad Request: .*nowhere/);
      const forbidden = await osapi(["client", "system", "exec", "--", "id"], as(reader));
      assert.equal(forbidden.code, 1);
      assert.match(forbidden.stderr, /403 Forbidden: permission command:execute required/);
      const anonymous = await osapi(["client", "system", "hostname"]);
      assert.equal(anonymous.code, 1);
      assert.match(anonymous.stderr, /401 Unauthorized: missing bearer token/);
      const badJob = await osapi(["client", "job", "get", "nope"], as(admin));
      assert.equal(badJob.code, 1);
      assert.match(badJob.stderr, /id must be a UUID/);
    });

    await t.step("health needs no token", async () => {
      const live = await osapi(["client", "health"]);
      assert.equal(live.code, 0, live.stderr);
      assert.match(live.stdout, /status\s+ok/);
      const ready = await osapi(["client", "--json", "health", "ready"]);
      assert.deepEqual(JSON.parse(ready.stdout), { status: "ready" });
      const status = await osapi(["client", "health", "status"], as(admin));
      assert.equal(status.code, 0, status.stderr);
      assert.match(status.stdout, new RegExp(`${NS}-JOBS`));
    });

    await t.step("job add, run, get, list, retry, delete, status, workers", async () => {
      const add = await osapi(
        ["client", "job", "add", "--type", "system.hostname.get", "--target", "worker-1"],
        as(admin),
      );
      assert.equal(add.code, 0, add.stderr);
      const id = add.stdout.trim();
      assert.match(id, /^[0-9a-f-]{36}$/);
      const run = await osapi([
        "client",
        "--json",
        "job",
        "run",
        "--type",
        "command.exec.do",
        "--data",
        '{"argv":["echo","from-job"]}',
      ], as(admin));
      assert.equal(run.code, 0, run.stderr);
      const detail = JSON.parse(run.stdout);
      assert.equal(detail.status, "completed");
      assert.equal(detail.result.stdout, "from-job\n");
      const get = await osapi(["client", "job", "get", id], as(admin));
      assert.equal(get.code, 0, get.stderr);
      assert.match(get.stdout, new RegExp(`id\\s+${id}`));
      const list = await osapi(["client", "--json", "job", "list", "--limit", "50"], as(admin));
      assert.ok(JSON.parse(list.stdout).items.some((j: { id: string }) => j.id === id));
      const retry = await osapi(["client", "job", "retry", id], as(admin));
      assert.equal(retry.code, 0, retry.stderr);
      assert.match(retry.stdout.trim(), /^[0-9a-f-]{36}$/);
      const del = await osapi(["client", "job", "delete", id], as(admin));
      assert.equal(del.code, 0, del.stderr);
      const gone = await osapi(["client", "job", "get", id], as(admin));
      assert.equal(gone.code, 1);
      assert.match(gone.stderr, /404 Not Found/);
      const status = await osapi(["client", "--json", "job", "status"], as(admin));
      assert.ok(JSON.parse(status.stdout).total_jobs >= 2);
      const workers = await osapi(["client", "job", "workers", "list"], as(admin));
      assert.match(workers.stdout, /^worker-1/m);
      const badData = await osapi(
        ["client", "job", "add", "--type", "system.hostname.get", "--data", "[1]"],
        as(admin),
      );
      assert.equal(badData.code, 2);
      assert.match(badData.stderr, /--data must be a JSON object/);
    });

    await t.step("audit and metrics", async () => {
      await api.server.handle.flush();
      const list = await osapi(["client", "audit", "list", "--limit", "100"], as(admin));
      assert.equal(list.code, 0, list.stderr);
      assert.match(list.stdout, /ops@example\.com\s+POST\s+\/command\/exec\s+202/);
      const exported = await osapi(["client", "audit", "export"], as(admin));
      const lines = exported.stdout.trim().split("\n").map((l) => JSON.parse(l));
      assert.ok(lines.length >= 10);
      const get = await osapi(["client", "--json", "audit", "get", lines[0].id], as(admin));
      assert.deepEqual(JSON.parse(get.stdout).entry, lines[0]);
      const metrics = await osapi(["client", "metrics"], as(admin));
      assert.match(metrics.stdout, /osapi_http_requests_total\{/);
    });

    await t.step("flags override the environment; unreachable API is a clear error", async () => {
      const viaFlags = await osapi(
        ["client", "--url", api.url, "--token", admin, "system", "uptime"],
        { OSAPI_URL: "http://127.0.0.1:1", OSAPI_TOKEN: "bogus" },
      );
      assert.equal(viaFlags.code, 0, viaFlags.stderr);
      const down = await osapi(["client", "health"], { OSAPI_URL: "http://127.0.0.1:1" });
      assert.equal(down.code, 1);
      assert.match(down.stderr, /cannot reach the osapi API at http:\/\/127\.0\.0\.1:1/);
    });
  } finally {
    await worker.stop();
    await nc.close();
    await Deno.remove(cwd, { recursive: true });
  }
});
