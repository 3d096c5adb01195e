import assert from "node:assert/strict";
import { startNatsServer } from "../helpers/nats_server.ts";
import { testClient } from "../helpers/jobs.ts";
import { WorkerRegistry } from "../../src/job/registry.ts";
import type { WorkerInfo } from "../../src/core/job.ts";
import { TargetError } from "../../src/core/targets.ts";

const info = (hostname: string, lastSeen: number): WorkerInfo => ({
  hostname,
  labels: { zone: "a" },
  started: new Date(lastSeen - 1000).toISOString(),
  last_seen: new Date(lastSeen).toISOString(),
  version: "test",
  running: 0,
});

Deno.test("registry readers treat entries older than the TTL as gone", async () => {
  await using server = await startNatsServer();
  await using api = await testClient(server.port, { registryTtl: "30s" });
  const registry = new WorkerRegistry(api.nc, api.client.router, 30_000);
  const now = Date.now();
  await registry.put(info("fresh.example.com", now - 1_000));
  await registry.put(info("stale", now - 31_000));
  assert.deepEqual((await registry.live(now)).map((w) => w.hostname), ["fresh.example.com"]);
  assert.deepEqual(
    (await registry.live(now + 30_000)).map((w) => w.hostname),
    [],
    "fresh becomes stale without a new heartbeat",
  );
  await assert.rejects(
    api.client.submit({ type: "test.echo", data: {} }, "stale", "t"),
    TargetError,
  );
  await registry.remove("fresh.example.com");
  assert.deepEqual(await registry.live(now), []);
});
