import assert from "node:assert/strict";
import { startNatsServer } from "../helpers/nats_server.ts";
import { blockProvider, testClient, testProviders, testWorker } from "../helpers/jobs.ts";

Deno.test("hosts that do not answer in time get a failed 'no answer' entry", async () => {
  await using s = await startNatsServer();
  const block = blockProvider();
  const providers = testProviders(block);
  const fast = await testWorker(s.port, {
    hostname: "fast",
    providers: testProviders(blockProvider(true)),
  });
  const slow = await testWorker(s.port, { hostname: "slow", providers });
  await using c = await testClient(s.port, { timeout: "700ms", quietPeriod: "5s", providers });
  try {
    // A broadcast where one host answers and one blocks.
    const echo = await c.client.run({ type: "test.echo", data: {} }, "_all", "t");
    assert.equal(echo.results.length, 2, JSON.stringify(echo));
    assert.ok(echo.results.every((r) => r.status === "completed"));

    const blocked = await c.client.run({ type: "test.block", data: {} }, "slow", "t");
    assert.equal(blocked.results.length, 1);
    assert.equal(blocked.results[0].hostname, "slow");
    assert.equal(blocked.results[0].status, "failed");
    assert.match(
      blocked.results[0].error ?? "",
      /^no answer within 700ms; the job may still complete \(GET \/job\/[0-9a-f-]+\)$/,
    );
    assert.equal(blocked.status, "failed");

    const partial = await c.client.run({ type: "test.block", data: {} }, "_all", "t");
    const byHost = Object.fromEntries(partial.results.map((r) => [r.hostname, r]));
    assert.equal(byHost.fast.status, "completed", JSON.stringify(partial));
    assert.equal(byHost.slow.status, "failed");
    assert.match(byHost.slow.error ?? "", /^no answer within 700ms/);
    assert.equal(partial.status, "partial_failure");
  } finally {
    block.release();
    await fast.stop({ abort: true });
    await slow.stop({ abort: true });
  }
});
