/**
 * A dead-letter publish that fails (the DLQ stream is gone) does not lose the job: it is not
 * acked or termed but naked, comes back, and is dead-lettered once the DLQ works again.
 */
import assert from "node:assert/strict";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { startNatsServer } from "../helpers/nats_server.ts";
import { eventually, jobConfig, testClient, testProviders } from "../helpers/jobs.ts";
import { Logger, silent } from "../../src/log.ts";
import { ensureResources } from "../../src/nats/resources.ts";
import { decodeJson } from "../../src/job/store.ts";
import type { Job } from "../../src/core/job.ts";
import { DLQ_HEADERS } from "../../src/worker/dispatch.ts";
import { startWorker } from "../../src/worker/worker.ts";

// The delay before the delivery that follows a failed dead-letter: the test re-creates the
// DLQ stream meanwhile (it sees the failure in the worker's log first).
const opts = { maxDeliver: 2, backOff: ["100ms", "5s"] };

async function setup() {
  const server = await startNatsServer();
  const api = await testClient(server.port, opts);
  const lines: string[] = [];
  const log = new Logger("test", "debug", "text", (l) => lines.push(l));
  const worker = await startWorker(jobConfig(server.port, { ...opts, hostname: "h1" }), {
    log,
    providers: testProviders(),
    fetchExpiresMs: 1000,
  });
  const { router } = api.client;
  const jsm = await jetstreamManager(api.nc);
  await jsm.streams.delete(router.dlqStream); // after the worker ensured it
  const dlqFailures = () => lines.filter((l) => /dead-lettering the job failed/.test(l));
  const dlqMessage = () =>
    eventually(async () => {
      const info = await jsm.streams.info(router.dlqStream).catch(() => undefined);
      if (!info || info.state.messages === 0) return undefined;
      return await jsm.streams.getMessage(router.dlqStream, { seq: info.state.first_seq });
    }, "a message in the DLQ");
  const restoreDlq = () => ensureResources(api.nc, api.config, router, silent);
  return {
    api,
    jsm,
    lines,
    dlqFailures,
    dlqMessage,
    restoreDlq,
    async [Symbol.asyncDispose]() {
      await worker.stop();
      await api.close();
      await server.stop();
    },
  };
}

Deno.test("a job whose dead-letter publish fails is redelivered, then dead-lettered", async () => {
  await using t = await setup(); // test.fail: "disk on fire" on every run
  const job = await t.api.client.submit({ type: "test.fail", data: {} }, "h1", "t");
  const failure = await eventually(
    () => Promise.resolve(t.dlqFailures()[0]),
    "the failed dead-letter in the log",
  );
  assert.match(failure, /ERROR/);
  assert.match(failure, new RegExp(`job_id=${job.id}`));
  assert.match(failure, /delivery=2/);
  // not acked away: the job is still pending on the consumer, its record not final
  const rec = await t.api.client.get(job.id);
  assert.ok(!rec!.results.some((r) => r.status === "failed"), "no final result stored");
  await t.restoreDlq();
  const dead = await t.dlqMessage();
  assert.equal(decodeJson<Job>(dead!.data)!.id, job.id);
  assert.equal(dead!.header.get(DLQ_HEADERS.deliveries), "3", "dead-lettered on the redelivery");
  assert.match(
    dead!.header.get(DLQ_HEADERS.error),
    /no result after 2 deliveries \(worker stopped or dead-lettering failed\)/,
  );
  const final = await eventually(async () => {
    const r = await t.api.client.get(job.id);
    return r?.status === "failed" ? r : undefined;
  }, "the job's failed result");
  assert.equal(final.results.length, 1);
  assert.equal(
    final.events.filter((e) => e.type === "started").length,
    2,
    "the redelivery only dead-letters, it does not run the job again",
  );
});

Deno.test("a malformed job message whose dead-letter fails is redelivered, not termed", async () => {
  await using t = await setup();
  const { router } = t.api.client;
  const subject = router.job("query", { type: "host", host: "h1" });
  await jetstream(t.api.nc).publish(subject, "not a job");
  await eventually(
    () => Promise.resolve(t.dlqFailures().length >= 2 ? true : undefined),
    "two failed dead-letters (a redelivery)",
  );
  assert.ok(t.dlqFailures().every((l) => l.includes(`subject=${subject}`)));
  await t.restoreDlq();
  const dead = await t.dlqMessage();
  assert.equal(new TextDecoder().decode(dead!.data), "not a job");
  assert.equal(dead!.header.get(DLQ_HEADERS.error), "malformed job message");
  assert.equal(dead!.header.get(DLQ_HEADERS.subject), subject);
});
