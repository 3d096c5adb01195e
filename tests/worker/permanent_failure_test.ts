/**
 * A provider whose tool is missing fails at once (no redelivery with back-off), and failed
 * deliveries that are retried show in the job's timeline.
 */
import assert from "node:assert/strict";
import type { Provider } from "../../src/worker/providers/mod.ts";
import { runOsapi } from "../helpers/osapi.ts";
import { startServe } from "../helpers/serve.ts";
import { startNatsServer } from "../helpers/nats_server.ts";
import { testClient, testProviders, testWorker } from "../helpers/jobs.ts";

Deno.test("ping without ping installed: a failed result at once, no retry", async () => {
  // The worker's PATH has no ping; a job timeout far beyond the first back-off (30 s) means a
  // retried job could not answer in time: the answer below comes from the first delivery.
  const empty = await Deno.makeTempDir({ prefix: "osapi-no-ping-" });
  try {
    await using s = await startServe({ PATH: empty, OSAPI_API_SERVER_JOBS_TIMEOUT: "5m" });
    const token = (await Deno.readTextFile(`${s.dataDir}/api/admin.token`)).trim();
    const env = { ...s.env, OSAPI_TOKEN: token };
    const r = await runOsapi(["client", "--json", "network", "ping", "127.0.0.1"], { env });
    assert.equal(r.code, 1, r.stderr);
    const body = JSON.parse(r.stdout) as { job_id: string; results: Record<string, unknown>[] };
    assert.equal(body.results.length, 1, r.stdout);
    assert.match(String(body.results[0].error), /ping is not installed.*iputils-ping/);
    const job = await runOsapi(["client", "--json", "job", "get", body.job_id], { env });
    assert.equal(job.code, 0, job.stderr);
    const rec = JSON.parse(job.stdout) as { status: string; timeline: { event: string }[] };
    assert.equal(rec.status, "failed");
    assert.deepEqual(rec.timeline.map((e) => e.event), [
      "submitted",
      "acknowledged",
      "started",
      "failed",
    ]);
  } finally {
    await Deno.remove(empty, { recursive: true });
  }
});

Deno.test("a retried delivery failure shows as delivery_failed in the job's events", async () => {
  await using server = await startNatsServer();
  let runs = 0;
  const flaky: Provider = {
    type: "test.fail",
    kind: "query",
    validate: (d) => (d ?? {}) as Record<string, unknown>,
    run: () => runs++ === 0 ? Promise.reject(new Error("disk busy")) : Promise.resolve({ ok: 1 }),
  };
  const opts = { maxDeliver: 3, backOff: ["100ms"] };
  const worker = await testWorker(server.port, {
    ...opts,
    hostname: "h1",
    providers: testProviders(flaky),
  });
  try {
    await using api = await testClient(server.port, opts);
    const r = await api.client.run({ type: "test.fail", data: {} }, "h1", "t");
    assert.equal(r.status, "completed");
    const rec = await api.client.get(r.job_id);
    const failedDelivery = rec!.events.find((e) => e.type === "delivery_failed");
    assert.ok(failedDelivery, JSON.stringify(rec!.events));
    assert.equal(failedDelivery.hostname, "h1");
    assert.equal(failedDelivery.detail, "disk busy");
    assert.equal(rec!.status, "completed");
  } finally {
    await worker.stop();
  }
});
