import assert from "node:assert/strict";
import { startNatsServer } from "../helpers/nats_server.ts";
import {
  countingProvider,
  eventually,
  testClient,
  testProviders,
  testWorker,
} from "../helpers/jobs.ts";

Deno.test("a worker that was down skips the broadcasts submitted meanwhile", async () => {
  await using s = await startNatsServer();
  const counting = countingProvider();
  const ran = counting.ran;
  const providers = testProviders(counting);
  await using c = await testClient(s.port, { providers, quietPeriod: "5s" });
  const a = await testWorker(s.port, { hostname: "a", providers });
  let b = await testWorker(s.port, { hostname: "b", providers });
  try {
    const both = await c.client.run({ type: "test.echo", data: { n: 1 } }, "_all", "t");
    assert.equal(both.results.length, 2);
    await b.stop(); // deregisters; its durable consumer stays
    const onlyA = await c.client.run({ type: "test.echo", data: { n: 2 } }, "_all", "t");
    assert.deepEqual(onlyA.results.map((r) => r.hostname), ["a"]);

    b = await testWorker(s.port, { hostname: "b", providers });
    const again = await c.client.run({ type: "test.echo", data: { n: 3 } }, "_all", "t");
    assert.deepEqual(again.results.map((r) => r.hostname).sort(), ["a", "b"]);
    // b received job 2 before job 3 (same consumer, in order) and skipped it.
    await eventually(() => Promise.resolve(ran.includes("b:3") ? true : undefined), "b ran job 3");
    assert.ok(!ran.includes("b:2"), `b ran a broadcast from while it was down: ${ran}`);
    const rec = await c.client.get(onlyA.job_id);
    assert.deepEqual(rec?.results.map((r) => r.hostname), ["a"]);
    assert.equal(rec?.status, "completed");
  } finally {
    await a.stop({ abort: true });
    await b.stop({ abort: true });
  }
});
