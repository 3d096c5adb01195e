/** The hot-path JetStream publisher against a real nats-server: acks, refusals, dedupe. */
import assert from "node:assert/strict";
import { Kvm } from "@nats-io/kv";
import { startNatsServer } from "../helpers/nats_server.ts";
import { testClient } from "../helpers/jobs.ts";
import { publisherFor, PublishError } from "../../src/job/publisher.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

Deno.test("publisher: KV put and create are acknowledged and readable; a second create is refused", async () => {
  await using server = await startNatsServer();
  await using api = await testClient(server.port);
  const { router } = api.client;
  const p = publisherFor(api.nc, router);
  assert.equal(publisherFor(api.nc, router), p, "one publisher per connection and namespace");
  const bucket = router.jobBucket;
  const [a, b] = await Promise.all([
    p.put(bucket, "k.a", bytes("1")),
    p.put(bucket, "k.b", bytes("2")),
  ]);
  assert.equal(b.seq, a.seq + 1);
  assert.equal(a.stream, `KV_${bucket}`);
  const created = await p.create(bucket, "k.c", bytes("3"));
  assert.ok(created.seq > b.seq);
  await assert.rejects(p.create(bucket, "k.c", bytes("4")), (e: Error) => {
    assert.ok(e instanceof PublishError);
    assert.equal(e.errCode, 10071, e.message);
    return true;
  });
  const kv = await new Kvm(api.nc).open(bucket);
  assert.equal((await kv.get("k.c"))?.string(), "3");
  assert.equal((await kv.get("k.a"))?.string(), "1");
});

Deno.test("publisher: no stream on the subject is an error, not a hang", async () => {
  await using server = await startNatsServer();
  await using api = await testClient(server.port);
  const p = publisherFor(api.nc, api.client.router);
  await assert.rejects(p.put("no-such-bucket", "k", bytes("x")), (e: Error) => {
    assert.ok(e instanceof PublishError);
    assert.match(e.message, /no responders/);
    return true;
  });
});

Deno.test("publisher: a job published twice with one id is stored once", async () => {
  await using server = await startNatsServer();
  await using api = await testClient(server.port);
  const { router } = api.client;
  const p = publisherFor(api.nc, router);
  const subject = router.job("query", { type: "any" });
  const first = await p.publishJob(subject, "job-1", bytes("{}"));
  const again = await p.publishJob(subject, "job-1", bytes("{}"));
  assert.equal(first.duplicate, false);
  assert.equal(again.duplicate, true);
  assert.equal(again.seq, first.seq);
});
