import assert from "node:assert/strict";
import { jetstreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { connect } from "@nats-io/transport-node";
import { latestJson, lazyDirectBucket } from "../../src/job/store.ts";
import { startNatsServer } from "../helpers/nats_server.ts";

/** The keys and values read, sorted by key. */
const read = async <T>(p: Promise<{ key: string; value: T }[]>) =>
  (await p).map(({ key, value }) => [key, value] as const).sort(([a], [b]) => a.localeCompare(b));

Deno.test("latestJson reads the current JSON value of matching keys with direct gets only", async () => {
  await using server = await startNatsServer();
  const nc = await connect({ port: server.port });
  try {
    const kv = await new Kvm(nc).create("t-store", { history: 1 });
    const bucket = lazyDirectBucket(nc, "t-store");
    const b = await bucket();
    assert.deepEqual(await latestJson(b), [], "empty bucket");
    assert.deepEqual(await latestJson(b, ["a.>", "b.>"]), [], "empty bucket, several filters");
    assert.deepEqual(await latestJson(b, []), []);

    await kv.put("a.1", JSON.stringify({ v: 1 }));
    await kv.put("a.2", JSON.stringify({ v: 2 }));
    await kv.put("a.1", JSON.stringify({ v: 11 })); // the latest revision wins
    await kv.put("a.3", "not json");
    await kv.put("b.1", JSON.stringify({ v: 3 }));
    await kv.put("b.2", JSON.stringify({ v: 4 }));
    await kv.delete("b.2");
    await kv.put("c.1", JSON.stringify({ v: 5 }));
    await kv.purge("c.1");

    const all = await latestJson<{ v: number }>(b);
    assert.deepEqual(await read(Promise.resolve(all)), [
      ["a.1", { v: 11 }],
      ["a.2", { v: 2 }],
      ["b.1", { v: 3 }],
    ]);
    const a1 = all.find((e) => e.key === "a.1")!;
    assert.equal(a1.revision, (await kv.get("a.1"))!.revision);
    assert.deepEqual(await read(latestJson(b, "a.>")), [["a.1", { v: 11 }], ["a.2", { v: 2 }]]);
    // several (overlapping) filters: one multi_last get
    assert.deepEqual(await read(latestJson(b, ["b.>", "a.2", "a.>"])), [
      ["a.1", { v: 11 }],
      ["a.2", { v: 2 }],
      ["b.1", { v: 3 }],
    ]);
    assert.deepEqual(await latestJson(b, ["x.>", "y.>"]), [], "nothing matches");

    // no consumer was created on the bucket's stream
    const jsm = await jetstreamManager(nc);
    assert.equal((await jsm.streams.info("KV_t-store")).state.consumer_count, 0);
  } finally {
    await nc.close();
  }
});

Deno.test("latestJson pages through more keys than one batch or one multi_last may hold", async () => {
  await using server = await startNatsServer();
  const nc = await connect({ port: server.port });
  try {
    const kv = await new Kvm(nc).create("t-many", { history: 1 });
    const n = 2100; // two batches of 1024, and more than the 1024 keys a multi_last may match
    for (let i = 0; i < n; i += 100) {
      await Promise.all(
        Array.from({ length: 100 }, (_, j) => i + j).map((k) =>
          kv.put(`${k % 2 ? "odd" : "even"}.${k}`, JSON.stringify({ k }))
        ),
      );
    }
    await kv.delete("odd.1");
    const b = await lazyDirectBucket(nc, "t-many")();
    const keys = (entries: { key: string }[]) => entries.map((e) => e.key).sort();
    const expected = Array.from({ length: n }, (_, k) => `${k % 2 ? "odd" : "even"}.${k}`)
      .filter((k) => k !== "odd.1").sort();

    // one filter: a walk in batches
    assert.deepEqual(keys(await latestJson(b)), expected);
    // several filters matching more than 1024 keys: the server refuses one multi_last; walks
    assert.deepEqual(keys(await latestJson(b, ["odd.>", "even.>"])), expected);
    const some = Array.from({ length: 300 }, (_, k) => `even.${2 * k}`);
    assert.deepEqual(keys(await latestJson(b, some)), [...some].sort());
    const values = await latestJson<{ k: number }>(b, ["even.0", "odd.3"]);
    assert.deepEqual(values.map((e) => e.value.k).sort(), [0, 3]);
  } finally {
    await nc.close();
  }
});

Deno.test("latestJson pages through more bytes than one batched get carries", async () => {
  await using server = await startNatsServer();
  const nc = await connect({ port: server.port });
  try {
    const kv = await new Kvm(nc).create("t-big", { history: 1 });
    const pad = "x".repeat(500_000);
    const n = 40; // 20 MB: more than the 8 MiB a batched get asks for
    for (let k = 0; k < n; k++) await kv.put(`k.${k}`, JSON.stringify({ k, pad }));
    const b = await lazyDirectBucket(nc, "t-big")();
    const ks = (entries: { value: { k: number } }[]) =>
      entries.map((e) => e.value.k).sort((x, y) => x - y);
    const all = Array.from({ length: n }, (_, k) => k);
    assert.deepEqual(ks(await latestJson(b)), all);
    assert.deepEqual(ks(await latestJson(b, ["k.>", "k.1"])), all);
  } finally {
    await nc.close();
  }
});
