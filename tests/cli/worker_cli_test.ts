import assert from "node:assert/strict";
import { startNatsServer } from "../helpers/nats_server.ts";
import { freePort } from "../helpers/ports.ts";
import { runOsapi, spawnOsapi } from "../helpers/osapi.ts";
import { eventually, testClient } from "../helpers/jobs.ts";

async function configFile(port: number, extra = ""): Promise<{ dir: string; file: string }> {
  const dir = await Deno.makeTempDir({ prefix: "osapi-worker-cli-" });
  const file = `${dir}/osapi.yaml`;
  await Deno.writeTextFile(
    file,
    [
      `data_dir: ${dir}/data`,
      "nats:",
      "  registry:",
      "    ttl: 6s",
      "job:",
      "  worker:",
      "    hostname: cli-host",
      "    labels:",
      "      role: test",
      "    nats:",
      `      port: ${port}`,
      extra,
    ].join("\n"),
  );
  return { dir, file };
}

Deno.test("osapi job worker start: registers, runs jobs, drains and deregisters on SIGTERM", async () => {
  await using server = await startNatsServer();
  const { dir, file } = await configFile(server.port);
  const child = spawnOsapi(["-f", file, "job", "worker", "start"]);
  const stderr = new Response(child.stderr).text();
  const stdout = new Response(child.stdout).text();
  try {
    await using api = await testClient(server.port);
    const w = await eventually(async () => {
      const live = await api.client.workers();
      return live.find((x) => x.hostname === "cli-host");
    }, "cli-host registered");
    assert.deepEqual(w.labels, { role: "test" });
    const r = await api.client.run({ type: "system.hostname.get", data: {} }, "role:test", "t");
    assert.equal(r.status, "completed");
    assert.deepEqual(r.results.map((x) => x.hostname), ["cli-host"]);
    assert.equal((r.results[0].data as { hostname: string }).hostname, Deno.hostname());
    child.kill("SIGTERM");
    const status = await child.status;
    assert.equal(status.code, 0, await stderr);
    assert.deepEqual(await api.client.workers(), []);
    assert.match(await stderr, /worker stopped/);
  } finally {
    try {
      child.kill("SIGKILL");
    } catch { /* exited */ }
    await child.status;
    await stdout;
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("osapi job worker start: a bad label is a config error naming the key (exit 2)", async () => {
  const { dir, file } = await configFile(freePort(), "    max_jobs: 10");
  try {
    await Deno.writeTextFile(
      file,
      (await Deno.readTextFile(file)).replace("role: test", "role: a..b"),
    );
    const r = await runOsapi(["-f", file, "job", "worker", "start"]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /job\.worker\.labels\.role/);
    assert.match(r.stderr, /"a\.\.b"/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("osapi job worker start: an unreachable NATS server is a clear error (exit 1)", async () => {
  const port = freePort();
  const { dir, file } = await configFile(port);
  try {
    const r = await runOsapi(["-f", file, "job", "worker", "start"]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`cannot connect to NATS at nats://127\\.0\\.0\\.1:${port}`));
    assert.match(r.stderr, /job\.worker\.nats/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("osapi job worker start: credentials in a server URL never reach the error", async () => {
  const port = freePort();
  const { dir, file } = await configFile(
    port,
    `      urls: ["nats://ops:s3cr3t-pw@127.0.0.1:${port}"]`,
  );
  try {
    const r = await runOsapi(["-f", file, "job", "worker", "start"]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`nats://\\*\\*\\*@127\\.0\\.0\\.1:${port}`));
    assert.doesNotMatch(r.stderr + r.stdout, /s3cr3t-pw/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
