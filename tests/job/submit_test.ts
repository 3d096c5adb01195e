/**
 * Submitting a job writes its record and publishes it in one round trip: when either write
 * fails, the other is undone and the caller gets the error. `_any` may reuse a recent list of
 * live workers, but a refusal is always re-checked against the registry.
 */
import assert from "node:assert/strict";
import { jetstreamManager } from "@nats-io/jetstream";
import { kvStream } from "../../src/nats/subjects.ts";
import { TargetError } from "../../src/core/targets.ts";
import { WorkerRegistry } from "../../src/job/registry.ts";
import { VERSION } from "../../src/version.ts";
import { startNatsServer } from "../helpers/nats_server.ts";
import { testClient, testWorker } from "../helpers/jobs.ts";

const echo = { type: "test.echo", data: {} };

/** Registers a worker entry without a running worker (its jobs stay in the stream). */
async function fakeWorker(api: Awaited<ReturnType<typeof testClient>>, hostname: string) {
  const registry = new WorkerRegistry(api.nc, api.client.router, api.config.nats.registry.ttl);
  const now = new Date().toISOString();
  await registry.put({
    hostname,
    labels: {},
    started: now,
    last_seen: now,
    version: VERSION,
    running: 0,
  });
}

Deno.test("a job whose record cannot be stored is taken off the stream again", async () => {
  await using server = await startNatsServer();
  await using api = await testClient(server.port);
  await fakeWorker(api, "idle");
  const jsm = await jetstreamManager(api.nc);
  const { router } = api.client;
  await jsm.streams.delete(kvStream(router.jobBucket));
  await assert.rejects(api.client.submit(echo, "_any", "t"));
  const info = await jsm.streams.info(router.stream);
  assert.equal(info.state.messages, 0, "the published job was removed");
});

Deno.test("a job that cannot be published leaves no record behind", async () => {
  await using server = await startNatsServer();
  await using api = await testClient(server.port);
  await fakeWorker(api, "idle");
  const jsm = await jetstreamManager(api.nc);
  await jsm.streams.delete(api.client.router.stream);
  await assert.rejects(api.client.submit(echo, "_any", "t"));
  assert.equal((await api.client.list({ limit: 10, offset: 0 })).total, 0);
});

Deno.test("_any without a live worker is refused, and accepted as soon as one registers", async () => {
  await using server = await startNatsServer();
  await using api = await testClient(server.port);
  await assert.rejects(api.client.submit(echo, "_any", "t"), TargetError);
  const worker = await testWorker(server.port, { hostname: "late" });
  try {
    const r = await api.client.run(echo, "_any", "t");
    assert.equal(r.status, "completed");
    assert.deepEqual(r.results.map((x) => x.hostname), ["late"]);
  } finally {
    await worker.stop();
  }
});
