/** The result fast path: waiters on one connection share a subscription, each gets its own. */
import assert from "node:assert/strict";
import { startNatsServer } from "../helpers/nats_server.ts";
import { testClient } from "../helpers/jobs.ts";
import { connectNats } from "../../src/nats/connect.ts";
import { silent } from "../../src/log.ts";
import { publishResult, ResultWaiter } from "../../src/job/results.ts";

Deno.test("result waiters on one connection each collect only their job's results", async () => {
  await using server = await startNatsServer();
  await using api = await testClient(server.port);
  const { router } = api.client;
  const worker = await connectNats(api.config.job.worker.nats, silent);
  try {
    const a = new ResultWaiter(api.nc, router, "job-a");
    const b = new ResultWaiter(api.nc, router, "job-b");
    await api.nc.flush();
    publishResult(worker, router, "job-x", { hostname: "h0", status: "completed" });
    publishResult(worker, router, "job-b", { hostname: "h2", status: "failed", error: "no" });
    publishResult(worker, router, "job-a", { hostname: "h1", status: "completed", data: 1 });
    publishResult(worker, router, "job-b", { hostname: "h3", status: "completed" });
    await worker.flush();
    const [ra, rb] = await Promise.all([
      a.collect({ quietMs: 10_000, timeoutMs: 10_000 }),
      b.collect({ expectedHosts: ["h2", "h3"], quietMs: 10_000, timeoutMs: 10_000 }),
    ]);
    assert.deepEqual(ra, [{ hostname: "h1", status: "completed", data: 1 }]);
    assert.deepEqual(rb.map((r) => r.hostname), ["h2", "h3"]);
    // a closed waiter no longer collects; a new one for the same job starts empty
    publishResult(worker, router, "job-a", { hostname: "h9", status: "completed" });
    await worker.flush();
    await api.nc.flush(); // h9 has reached the API connection (before the PONG)
    const again = new ResultWaiter(api.nc, router, "job-a");
    const none = await again.collect({ quietMs: 50, timeoutMs: 200 });
    assert.deepEqual(none, []);
  } finally {
    await worker.close();
  }
});
