import assert from "node:assert/strict";
import { jetstreamManager } from "@nats-io/jetstream";
import { startNatsServer } from "../helpers/nats_server.ts";
import {
  blockProvider,
  eventually,
  type TestClient,
  testClient,
  testProviders,
  testWorker,
} from "../helpers/jobs.ts";
import { spawnWorkerChild, waitReady } from "../helpers/worker_child.ts";
import { decodeJson } from "../../src/job/store.ts";
import type { Job, JobRecord } from "../../src/core/job.ts";
import type { JobClient } from "../../src/job/client.ts";
import { DLQ_HEADERS } from "../../src/worker/dispatch.ts";
import type { Provider } from "../../src/worker/providers/types.ts";

const blockOp = { type: "test.block", data: {} };

function finished(client: JobClient, id: string): Promise<JobRecord> {
  return eventually(async () => {
    const r = await client.get(id);
    return r && r.status !== "submitted" && r.status !== "processing" ? r : undefined;
  }, `job ${id} finished`);
}

function startedOn(client: JobClient, id: string, host: string): Promise<true> {
  return eventually(async () => {
    const r = await client.get(id);
    return r?.events.some((e) => e.type === "started" && e.hostname === host) ? true : undefined;
  }, `job ${id} started on ${host}`);
}

/**
 * Runs a blocking `_any` job on a worker child process, starts a rescuer worker, kills the child
 * with SIGKILL mid-job, and hands the finished record to `check`.
 */
async function killMidJob(
  opts: { ackWait: string; maxDeliver: number },
  check: (rec: JobRecord, job: Job, api: TestClient) => Promise<void>,
): Promise<void> {
  await using server = await startNatsServer();
  const child = spawnWorkerChild(server.port, { ...opts, hostname: "doomed" });
  let rescuer;
  try {
    await waitReady(child);
    await using api = await testClient(server.port, opts);
    const job = await api.client.submit(blockOp, "_any", "t");
    await startedOn(api.client, job.id, "doomed");
    rescuer = await testWorker(server.port, {
      ...opts,
      hostname: "rescuer",
      providers: testProviders(blockProvider(true)),
    });
    child.kill("SIGKILL");
    await child.status;
    await check(await finished(api.client, job.id), job, api);
  } finally {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
    await child.status;
    await rescuer?.stop();
  }
}

Deno.test("a worker killed mid-job: the _any job completes on another worker", async () => {
  await killMidJob({ ackWait: "2s", maxDeliver: 3 }, (rec) => {
    assert.equal(rec.status, "completed");
    assert.deepEqual(rec.results.map((r) => r.hostname), ["rescuer"]);
    assert.deepEqual(rec.results[0].data, { hostname: "rescuer", blocked: false });
    assert.ok(rec.events.some((e) => e.type === "acknowledged" && e.hostname === "doomed"));
    assert.ok(rec.events.some((e) => e.type === "completed" && e.hostname === "rescuer"));
    return Promise.resolve();
  });
});

Deno.test("a job whose worker died on its last delivery is dead-lettered", async () => {
  await killMidJob({ ackWait: "1s", maxDeliver: 1 }, async (rec, job, api) => {
    assert.equal(rec.status, "failed");
    assert.match(rec.results[0].error!, /no result after 1 deliveries/);
    assert.equal(rec.events.filter((e) => e.type === "started").length, 1, "not run again");
    const jsm = await jetstreamManager(api.nc);
    const dlq = await jsm.streams.getMessage(api.client.router.dlqStream, { seq: 1 });
    assert.equal(decodeJson<Job>(dlq!.data)!.id, job.id);
    assert.equal(dlq!.header.get(DLQ_HEADERS.deliveries), "2");
  });
});

Deno.test("failing jobs are redelivered up to max_deliver, then the job lands in the DLQ", async () => {
  await using server = await startNatsServer();
  let runs = 0;
  const counting: Provider = {
    type: "test.fail",
    kind: "query",
    validate: (d) => (d ?? {}) as Record<string, unknown>,
    run: () => {
      runs++;
      return Promise.reject(new Error("disk on fire"));
    },
  };
  const opts = { maxDeliver: 3, backOff: ["100ms", "200ms"] };
  const worker = await testWorker(server.port, {
    ...opts,
    hostname: "h1",
    providers: testProviders(counting),
  });
  try {
    await using api = await testClient(server.port, opts);
    const jsm = await jetstreamManager(api.nc);
    const r = await api.client.run({ type: "test.fail", data: { x: 1 } }, "h1", "t");
    assert.equal(r.status, "failed");
    assert.equal(r.results[0].error, "disk on fire");
    assert.equal(runs, 3);
    const info = await jsm.streams.info(api.client.router.dlqStream);
    assert.equal(info.state.messages, 1);
    const dead = await jsm.streams.getMessage(api.client.router.dlqStream, { seq: 1 });
    assert.equal(
      dead!.subject,
      api.client.router.dlqJob(api.client.router.job("query", {
        type: "host",
        host: "h1",
      })),
    );
    const job = decodeJson<Job>(dead!.data)!;
    assert.equal(job.id, r.job_id);
    assert.deepEqual(job.operation, { type: "test.fail", data: { x: 1 } });
    assert.equal(dead!.header.get(DLQ_HEADERS.error), "disk on fire");
    assert.equal(dead!.header.get(DLQ_HEADERS.hostname), "h1");
    assert.equal(dead!.header.get(DLQ_HEADERS.deliveries), "3");
    const rec = await api.client.get(r.job_id);
    assert.equal(rec!.status, "failed");
    assert.equal(rec!.events.filter((e) => e.type === "started").length, 3);
    assert.equal(rec!.events.filter((e) => e.type === "failed").length, 1);
    const consumer = await jsm.consumers.info(
      api.client.router.stream,
      api.client.router.workerConsumer("h1"),
    );
    assert.equal(consumer.num_ack_pending, 0, "the job was termed");
  } finally {
    await worker.stop();
  }
});

Deno.test("bad provider input is a failed result, acked and not redelivered", async () => {
  await using server = await startNatsServer();
  const worker = await testWorker(server.port, { hostname: "h1" });
  try {
    // an API that accepts any test.echo input, so that the worker's check is what refuses it
    const lenient = testProviders({
      type: "test.echo",
      kind: "query",
      validate: (d) => d as Record<string, unknown>,
      run: () => Promise.resolve(null),
    });
    await using api = await testClient(server.port, { providers: lenient });
    const r = await api.client.run({ type: "test.echo", data: { bad: 1 } }, "h1", "t");
    assert.equal(r.status, "failed");
    assert.equal(r.results[0].error, "field bad is not allowed");
    const rec = await api.client.get(r.job_id);
    assert.deepEqual(rec!.events.map((e) => e.type), ["submitted", "acknowledged", "failed"]);
    const jsm = await jetstreamManager(api.nc);
    const c = await jsm.consumers.info(
      api.client.router.stream,
      api.client.router.workerConsumer("h1"),
    );
    assert.equal(c.num_ack_pending, 0);
    assert.equal(c.num_redelivered, 0);
    assert.equal(c.ack_floor.stream_seq, c.delivered.stream_seq, "acked");
    assert.equal((await jsm.streams.info(api.client.router.dlqStream)).state.messages, 0);
  } finally {
    await worker.stop();
  }
});

Deno.test("max_jobs bounds the jobs in flight across the worker's consumers", async () => {
  await using server = await startNatsServer();
  let running = 0;
  let maxRunning = 0;
  const gate = blockProvider();
  const gauged: Provider = {
    ...gate,
    async run(input, ctx) {
      running++;
      maxRunning = Math.max(maxRunning, running);
      try {
        return await gate.run(input, ctx);
      } finally {
        running--;
      }
    },
  };
  const worker = await testWorker(server.port, {
    hostname: "h1",
    maxJobs: 2,
    providers: testProviders(gauged),
  });
  try {
    await using api = await testClient(server.port);
    const ids: string[] = [];
    for (const target of ["h1", "_any", "h1", "_all", "_any"]) {
      ids.push((await api.client.submit(blockOp, target, "t")).id);
    }
    await eventually(
      () => Promise.resolve(gate.started === 2 ? true : undefined),
      "two jobs started",
    );
    const counts = await api.client.counts();
    assert.equal(counts.processing, 2);
    assert.equal(counts.submitted, 3);
    assert.equal(worker.running(), 2);
    await eventually(async () => {
      gate.release();
      return (await api.client.counts()).completed === 5 ? true : undefined;
    }, "all five completed");
    assert.equal(maxRunning, 2);
    assert.equal(gate.started, 5);
  } finally {
    gate.release();
    await worker.stop();
  }
});

Deno.test("stop drains: the in-flight job finishes and is acked, then the worker deregisters", async () => {
  await using server = await startNatsServer();
  const gate = blockProvider();
  const worker = await testWorker(server.port, {
    hostname: "h1",
    providers: testProviders(gate),
  });
  await using api = await testClient(server.port);
  const job = await api.client.submit(blockOp, "h1", "t");
  await startedOn(api.client, job.id, "h1");
  let stopped = false;
  const stopping = worker.stop().then(() => (stopped = true));
  assert.equal(stopped, false);
  assert.deepEqual((await api.client.workers()).map((w) => w.hostname), ["h1"]);
  gate.release();
  await stopping;
  const rec = await api.client.get(job.id);
  assert.equal(rec!.status, "completed");
  assert.deepEqual(rec!.results[0].data, { hostname: "h1", blocked: true });
  assert.deepEqual(await api.client.workers(), []);
  const jsm = await jetstreamManager(api.nc);
  const c = await jsm.consumers.info(
    api.client.router.stream,
    api.client.router.workerConsumer("h1"),
  );
  assert.equal(c.num_ack_pending, 0);
  assert.equal(c.ack_floor.stream_seq, c.delivered.stream_seq);
});

Deno.test("two namespaces on one server do not see each other's jobs or workers", async () => {
  await using server = await startNatsServer();
  const wa = await testWorker(server.port, { namespace: "a", hostname: "same" });
  const wb = await testWorker(server.port, { namespace: "b", hostname: "same" });
  const wb2 = await testWorker(server.port, { namespace: "b", hostname: "only-b" });
  try {
    await using a = await testClient(server.port, { namespace: "a" });
    await using b = await testClient(server.port, { namespace: "b" });
    assert.notEqual(a.client.router.stream, b.client.router.stream);
    assert.deepEqual((await a.client.workers()).map((w) => w.hostname), ["same"]);
    assert.deepEqual((await b.client.workers()).map((w) => w.hostname), ["only-b", "same"]);
    await assert.rejects(a.client.submit({ type: "test.echo", data: {} }, "only-b", "t"));

    const ra = await a.client.run({ type: "test.echo", data: { ns: "a" } }, "_all", "t");
    assert.deepEqual(ra.results.map((r) => r.hostname), ["same"]);
    const rb = await b.client.run({ type: "test.echo", data: { ns: "b" } }, "_all", "t");
    assert.deepEqual(rb.results.map((r) => r.hostname), ["only-b", "same"]);

    assert.equal(await b.client.get(ra.job_id), undefined);
    assert.equal(await a.client.get(rb.job_id), undefined);
    const la = await a.client.list({ limit: 10, offset: 0 });
    assert.deepEqual(la.items.map((r) => r.job.id), [ra.job_id]);
    const lb = await b.client.list({ limit: 10, offset: 0 });
    assert.deepEqual(lb.items.map((r) => r.job.id), [rb.job_id]);
    for (const r of ra.results) assert.deepEqual((r.data as { input: unknown }).input, { ns: "a" });
  } finally {
    await Promise.all([wa.stop(), wb.stop(), wb2.stop()]);
  }
});

Deno.test("a worker whose consumer was deleted re-creates it and keeps taking jobs", async () => {
  await using server = await startNatsServer();
  const worker = await testWorker(server.port, { hostname: "h1" });
  try {
    await using api = await testClient(server.port);
    const jsm = await jetstreamManager(api.nc);
    const name = api.client.router.workerConsumer("h1");
    await jsm.consumers.delete(api.client.router.stream, name);
    await eventually(async () => {
      try {
        return (await jsm.consumers.info(api.client.router.stream, name)) ? true : undefined;
      } catch {
        return undefined;
      }
    }, "consumer re-created");
    const r = await api.client.run({ type: "test.echo", data: {} }, "h1", "t");
    assert.equal(r.status, "completed");
    assert.deepEqual(r.results.map((x) => x.hostname), ["h1"]);
  } finally {
    await worker.stop();
  }
});
