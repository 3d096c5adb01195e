import assert from "node:assert/strict";
import { jetstreamManager } from "@nats-io/jetstream";
import { configFromRaw } from "../../src/config/load.ts";
import { connectNats } from "../../src/nats/connect.ts";
import { ensureResources, routerFor } from "../../src/nats/resources.ts";
import { silent } from "../../src/log.ts";
import { startNatsServer } from "../helpers/nats_server.ts";

Deno.test("two namespaces on one server get disjoint streams and buckets with every limit", async () => {
  await using s = await startNatsServer();
  const raw = (ns: string, maxAge: string) => ({
    api: { server: { nats: { port: s.port, namespace: ns } } },
    nats: {
      stream: { max_age: maxAge, max_msgs: 500, max_bytes: "10MiB", discard: "new" },
      dlq: { max_age: "2d", max_msgs: 50 },
      kv: { ttl: "10m", max_bytes: "5MiB" },
      audit: { ttl: "48h", max_bytes: "2MiB" },
      registry: { ttl: "15s" },
    },
  });
  const a = configFromRaw(raw("a", "1h"));
  const b = configFromRaw(raw("b", "2h"));
  const nc = await connectNats(a.api.server.nats, silent);
  try {
    await ensureResources(nc, a, routerFor(a, "a"), silent);
    await ensureResources(nc, b, routerFor(b, "b"), silent);
    const jsm = await jetstreamManager(nc);
    const names: string[] = [];
    for await (const si of jsm.streams.list()) names.push(si.config.name);
    assert.deepEqual(names.sort(), [
      "KV_a-agent-state",
      "KV_a-audit-log",
      "KV_a-file-state",
      "KV_a-job-queue",
      "KV_a-job-responses",
      "KV_a-worker-registry",
      "KV_b-agent-state",
      "KV_b-audit-log",
      "KV_b-file-state",
      "KV_b-job-queue",
      "KV_b-job-responses",
      "KV_b-worker-registry",
      "OBJ_a-file-objects",
      "OBJ_b-file-objects",
      "a-JOBS",
      "a-JOBS-DLQ",
      "b-JOBS",
      "b-JOBS-DLQ",
    ]);
    const jobs = (await jsm.streams.info("a-JOBS")).config;
    assert.deepEqual(jobs.subjects, ["a.jobs.query.>", "a.jobs.modify.>"]);
    assert.equal(jobs.max_age, 3600e9);
    assert.equal(jobs.max_msgs, 500);
    assert.equal(jobs.max_bytes, 10 * 1024 * 1024);
    assert.equal(jobs.discard, "new");
    assert.equal((await jsm.streams.info("b-JOBS")).config.max_age, 7200e9);
    const dlq = (await jsm.streams.info("a-JOBS-DLQ")).config;
    assert.deepEqual(dlq.subjects, ["a.dlq.jobs.>"]);
    assert.equal(dlq.max_msgs, 50);
    const kv = (await jsm.streams.info("KV_a-job-queue")).config;
    assert.equal(kv.max_age, 600e9);
    assert.equal(kv.max_bytes, 5 * 1024 * 1024);
    assert.equal((await jsm.streams.info("KV_a-audit-log")).config.max_age, 48 * 3600e9);
    assert.equal((await jsm.streams.info("KV_a-worker-registry")).config.max_age, 15e9);

    // A second start with changed limits updates the existing resources in place.
    const a2 = configFromRaw({
      ...raw("a", "3h"),
      nats: { ...raw("a", "3h").nats, kv: { ttl: "20m" } },
    });
    await ensureResources(nc, a2, routerFor(a2, "a"), silent);
    assert.equal((await jsm.streams.info("a-JOBS")).config.max_age, 3 * 3600e9);
    assert.equal((await jsm.streams.info("KV_a-job-queue")).config.max_age, 1200e9);
  } finally {
    await nc.close();
  }
});
