import assert from "node:assert/strict";
import { jetstreamManager } from "@nats-io/jetstream";
import { startNatsServer } from "../helpers/nats_server.ts";
import {
  blockProvider,
  eventually,
  testClient,
  testProviders,
  testWorker,
} from "../helpers/jobs.ts";
import { routerFor } from "../../src/nats/resources.ts";

const blockOp = { type: "test.block", data: {} };

/** A nats-server on fresh ports whose JetStream store is `storeDir` (kept across restarts). */
function serverOn(storeDir: string) {
  return startNatsServer({
    rawConfig: [
      'listen: "127.0.0.1:{{PORT}}"',
      'http: "127.0.0.1:{{HTTP_PORT}}"',
      `jetstream { store_dir: "${storeDir}" }`,
    ].join("\n"),
  });
}

Deno.test("a job given back by a stopping worker runs at once after the server restarts too", async () => {
  // `serve` stops the worker and then nats-server: a job the worker had taken but not started
  // must be redelivered at the next start, not after ack_wait (5 minutes here).
  const storeDir = await Deno.makeTempDir({ prefix: "osapi-give-back-" });
  const opts = { maxJobs: 2, ackWait: "5m" };
  const ids: string[] = [];
  try {
    {
      await using server = await serverOn(storeDir);
      const block = blockProvider();
      await using api = await testClient(server.port, opts);
      const worker = await testWorker(server.port, {
        ...opts,
        providers: testProviders(block),
      });
      try {
        ids.push((await api.client.submit(blockOp, "_any", "t")).id);
        await eventually(() => Promise.resolve(block.started === 1 || undefined), "job 1 started");
        // the pull that brought job 1 expires (1 s); the next one asks for two jobs with one
        // slot free
        await new Promise((r) => setTimeout(r, 1500));
        ids.push((await api.client.submit(blockOp, "_any", "t")).id);
        ids.push((await api.client.submit(blockOp, "_any", "t")).id);
        await eventually(() => Promise.resolve(block.started === 2 || undefined), "job 2 started");
        // the third job is delivered to the worker and waits for a slot
        const jsm = await jetstreamManager(api.nc);
        const router = routerFor(api.config, "osapi");
        await eventually(async () => {
          const info = await jsm.consumers.info(router.stream, router.anyConsumer("query"));
          return info.num_ack_pending === 3 || undefined;
        }, "three jobs delivered");
        const stopped = worker.stop();
        await new Promise((r) => setTimeout(r, 200));
        block.release(); // the two running jobs finish while the worker drains
        await stopped;
      } finally {
        block.release();
        await worker.stop();
      }
      const rec = await api.client.get(ids[2]);
      assert.equal(rec?.status, "submitted", "the third job was not to run before the restart");
    }
    await using server = await serverOn(storeDir);
    await using api = await testClient(server.port, opts);
    const worker = await testWorker(server.port, {
      ...opts,
      hostname: "host-b",
      providers: testProviders(blockProvider(true)),
    });
    try {
      const rec = await eventually(async () => {
        const r = await api.client.get(ids[2]);
        return r?.status === "completed" ? r : undefined;
      }, "the given-back job completed after the restart");
      assert.deepEqual(rec.results.map((r) => r.hostname), ["host-b"]);
      for (const id of ids.slice(0, 2)) {
        assert.equal((await api.client.get(id))?.status, "completed", id);
      }
    } finally {
      await worker.stop();
    }
  } finally {
    await Deno.remove(storeDir, { recursive: true }).catch(() => {});
  }
});
