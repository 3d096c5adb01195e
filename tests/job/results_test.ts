/** The result fast path: waiters on one connection share a subscription, each gets its own. */
import assert from "node:assert/strict";
import { startNatsServer } from "../helpers/nats_server.ts";
import { testClient } from "../helpers/jobs.ts";
import { connectNats } from "../../src/nats/connect.ts";
import { Logger, silent } from "../../src/log.ts";
import { publishResult, ResultWaiter } from "../../src/job/results.ts";
import { OsapiError } from "../../src/core/errors.ts";
import { SubjectRouter } from "../../src/nats/subjects.ts";
import { connect } from "@nats-io/transport-node";
import { errors } from "@nats-io/nats-core";

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

/** A logger keeping its lines (text format). */
function keptLog(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return { log: new Logger("test", "debug", "text", (l) => lines.push(l)), lines };
}

Deno.test("a result subscription the server refuses fails the waiting jobs with a clear error", async () => {
  const router = new SubjectRouter("osapi");
  await using server = await startNatsServer({
    config: `authorization { users = [
      { user: "api", password: "pw", permissions: { subscribe: { deny: ["${router.resultsWildcard()}"] } } }
    ] }`,
  });
  const nc = await connect({ servers: server.url, user: "api", pass: "pw", reconnect: false });
  try {
    const { log, lines } = keptLog();
    const a = new ResultWaiter(nc, router, "job-a", log);
    const b = new ResultWaiter(nc, router, "job-b", log);
    // a timeout far beyond the test's: only the failure can end these waits
    const wait = { quietMs: 600_000, timeoutMs: 600_000 };
    for (const w of [a, b]) {
      await assert.rejects(w.collect(wait), (e: unknown) => {
        assert.ok(e instanceof OsapiError);
        assert.equal(e.code, "job.results_unavailable");
        assert.match(e.message, /cannot receive job results on osapi\.jobs\.results\.>/);
        assert.match(e.message, /Permissions Violation/i);
        assert.ok(e.cause instanceof errors.PermissionViolationError);
        return true;
      });
    }
    assert.equal(lines.filter((l) => /job result subscription ended/.test(l)).length, 1);
    assert.ok(lines.some((l) => /ERROR/.test(l) && /waiting=2/.test(l)));
    // the failed inbox is dropped: a new job subscribes afresh (and is refused afresh)
    const c = new ResultWaiter(nc, router, "job-c", log);
    await assert.rejects(c.collect(wait), /Permissions Violation/i);
    assert.equal(lines.filter((l) => /job result subscription ended/.test(l)).length, 2);
  } finally {
    await nc.close();
  }
});

Deno.test("a closed connection fails the jobs waiting for results instead of timing them out", async () => {
  await using server = await startNatsServer();
  await using api = await testClient(server.port);
  const { log, lines } = keptLog();
  const w = new ResultWaiter(api.nc, api.client.router, "job-z", log);
  await api.nc.flush();
  const collected = w.collect({ quietMs: 600_000, timeoutMs: 600_000 });
  await api.nc.close();
  await assert.rejects(collected, (e: unknown) => {
    assert.ok(e instanceof OsapiError);
    assert.equal(e.code, "job.results_unavailable");
    assert.match(e.message, /the subscription or its NATS connection was closed/);
    return true;
  });
  assert.ok(lines.some((l) => /ERROR/.test(l) && /job result subscription ended/.test(l)));
});
