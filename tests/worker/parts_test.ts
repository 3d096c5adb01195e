import assert from "node:assert/strict";
import { Slots } from "../../src/worker/slots.ts";
import { backOffDelay } from "../../src/worker/dispatch.ts";
import { consumerConfigsFor, serverMaxDeliver } from "../../src/worker/consumers.ts";
import { jobConfig } from "../helpers/jobs.ts";
import { routerFor } from "../../src/nats/resources.ts";

Deno.test("slots hand out at most `size` and wake waiters in order; close refuses", async () => {
  const s = new Slots(2);
  assert.equal(await s.acquire(), true);
  assert.equal(await s.acquire(), true);
  assert.equal(s.used, 2);
  const order: number[] = [];
  const w1 = s.acquire().then((ok) => order.push(ok ? 1 : -1));
  const w2 = s.acquire().then((ok) => order.push(ok ? 2 : -2));
  s.release();
  await w1;
  assert.deepEqual(order, [1]);
  s.close();
  await w2;
  assert.deepEqual(order, [1, -2]);
  assert.equal(await s.acquire(), false);
});

Deno.test("slots: whenFree waits for a free slot without taking it", async () => {
  const s = new Slots(1);
  assert.equal(await s.whenFree(), true);
  assert.equal(s.used, 0, "whenFree takes nothing");
  assert.equal(await s.acquire(), true);
  let woke: boolean | undefined;
  const waiting = s.whenFree().then((ok) => (woke = ok));
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(woke, undefined, "no slot is free yet");
  s.release();
  await waiting;
  assert.equal(woke, true);
  assert.equal(s.used, 0);
  const closed = (async () => {
    await s.acquire();
    return s.whenFree();
  })();
  s.close();
  assert.equal(await closed, false);
});

Deno.test("back_off gives the delay before each redelivery, repeating the last", () => {
  const b = [100, 2000, 5000];
  assert.deepEqual([1, 2, 3, 4, 9].map((n) => backOffDelay(b, n)), [100, 2000, 5000, 5000, 5000]);
  assert.equal(backOffDelay([], 3), 0);
});

Deno.test("worker consumers: shared _any queues and the worker's own filters", () => {
  const config = jobConfig(4222, {
    namespace: "prod",
    hostname: "web-1.example.com",
    labels: { group: "web.dev" },
    maxDeliver: 4,
    ackWait: "90s",
  });
  const router = routerFor(config, "prod");
  const cfgs = consumerConfigsFor(config.job.worker.consumer, router, "web-1.example.com", {
    group: "web.dev",
  });
  assert.deepEqual(cfgs.map((c) => c.durable_name), [
    "prod-any-query",
    "prod-any-modify",
    "prod-worker-web-1_example_com",
  ]);
  assert.equal(cfgs[0].filter_subject, "prod.jobs.query._any");
  assert.deepEqual(cfgs[2].filter_subjects, [
    "prod.jobs.query.host.web-1_example_com",
    "prod.jobs.query._all",
    "prod.jobs.query.label.group.web",
    "prod.jobs.query.label.group.web.dev",
    "prod.jobs.modify.host.web-1_example_com",
    "prod.jobs.modify._all",
    "prod.jobs.modify.label.group.web",
    "prod.jobs.modify.label.group.web.dev",
  ]);
  for (const c of cfgs) {
    assert.equal(c.deliver_policy, "new");
    assert.equal(c.ack_policy, "explicit");
    assert.equal(c.ack_wait, 90_000_000_000);
    assert.equal(c.max_deliver, 5, "one extra delivery to dead-letter jobs of dead workers");
  }
  assert.equal(serverMaxDeliver(config.job.worker.consumer), 5);
});
