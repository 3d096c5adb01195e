import assert from "node:assert/strict";
import { headers } from "@nats-io/transport-node";
import { jetstream } from "@nats-io/jetstream";
import { startNatsServer } from "../helpers/nats_server.ts";
import {
  countingProvider,
  eventually,
  testClient,
  testProviders,
  testWorker,
} from "../helpers/jobs.ts";

Deno.test("a job message carrying a direct-get answer's headers is not run", async () => {
  await using s = await startNatsServer();
  const counting = countingProvider();
  const ran = counting.ran;
  const providers = testProviders(counting);
  await using c = await testClient(s.port, { providers });
  const w = await testWorker(s.port, { hostname: "a", providers });
  try {
    const job = (n: number) => ({
      id: crypto.randomUUID(),
      operation: { type: "test.echo", data: { n } },
      target: "_any",
      created: new Date().toISOString(),
      submitter: "intruder",
    });
    // What a direct get answered onto the job subject looks like: the stored message's body
    // with the server's Nats-Stream/Nats-Subject/Nats-Sequence headers.
    const h = headers();
    h.set("Nats-Stream", "KV_other-job-queue");
    h.set("Nats-Subject", "$KV.other-job-queue.jobs.x");
    h.set("Nats-Sequence", "7");
    const js = jetstream(c.nc);
    await js.publish(c.client.router.anyFilter("query"), JSON.stringify(job(1)), { headers: h });
    // A genuine job afterwards runs: the worker took (and refused) the first one before it.
    const ok = await c.client.run({ type: "test.echo", data: { n: 2 } }, "_any", "t");
    assert.equal(ok.results[0]?.status, "completed");
    await eventually(
      () => Promise.resolve(ran.includes("a:2") ? true : undefined),
      "the genuine job ran",
    );
    assert.deepEqual(ran, ["a:2"]);
  } finally {
    await w.stop({ abort: true });
  }
});
