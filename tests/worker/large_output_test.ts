/**
 * Output near or above NATS's `max_payload` never makes a job run twice: command output is cut
 * below it (and marked), and a result that cannot be stored is recorded as failed.
 */
import assert from "node:assert/strict";
import type { Provider } from "../../src/worker/providers/mod.ts";
import { MAX_OUTPUT_BYTES } from "../../src/worker/providers/process.ts";
import { startNatsServer } from "../helpers/nats_server.ts";
import { testClient, testProviders, testWorker } from "../helpers/jobs.ts";

Deno.test("1.1 MiB of command output: runs once, completes truncated and marked", async () => {
  await using server = await startNatsServer();
  const dir = await Deno.makeTempDir({ prefix: "osapi-large-output-" });
  const opts = { maxDeliver: 3, backOff: ["100ms"] };
  const worker = await testWorker(server.port, { ...opts, hostname: "h1" });
  try {
    await using api = await testClient(server.port, { ...opts, providers: testProviders() });
    const command = `echo run >> ${dir}/runs; head -c 1153434 /dev/zero | tr '\\0' a`;
    const r = await api.client.run({ type: "command.shell.do", data: { command } }, "h1", "t");
    assert.equal(r.status, "completed", JSON.stringify(r).slice(0, 500));
    const out = r.results[0].data as Record<string, unknown>;
    assert.equal(out.stdout_truncated, true);
    assert.equal(out.stderr_truncated, false);
    assert.equal((out.stdout as string).length, MAX_OUTPUT_BYTES);
    assert.equal(out.exit_code, 0);
    assert.equal(await Deno.readTextFile(`${dir}/runs`), "run\n");
    const rec = await api.client.get(r.job_id);
    assert.equal(rec!.status, "completed");
    assert.equal(rec!.events.some((e) => e.type === "delivery_failed"), false);
  } finally {
    await worker.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a modify result larger than max_payload: a failed result, never a second run", async () => {
  await using server = await startNatsServer();
  let runs = 0;
  const huge: Provider = {
    type: "test.huge",
    kind: "modify",
    validate: (d) => (d ?? {}) as Record<string, unknown>,
    run: () => {
      runs++;
      return Promise.resolve({ changed: true, blob: "x".repeat(2 * 1024 * 1024) });
    },
  };
  const opts = { maxDeliver: 3, backOff: ["100ms"] };
  const providers = testProviders(huge);
  const worker = await testWorker(server.port, { ...opts, hostname: "h1", providers });
  try {
    await using api = await testClient(server.port, { ...opts, providers });
    const r = await api.client.run({ type: "test.huge", data: {} }, "h1", "t");
    assert.equal(r.results.length, 1, JSON.stringify(r));
    assert.equal(r.results[0].status, "failed");
    assert.match(String(r.results[0].error), /result could not be stored.*max_payload/);
    const rec = await api.client.get(r.job_id);
    assert.equal(rec!.status, "failed");
    assert.equal(runs, 1);
  } finally {
    await worker.stop();
  }
});
