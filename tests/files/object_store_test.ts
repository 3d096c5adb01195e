/**
 * The file store on a real nats-server's object store: upload (sha256, changed, conflict,
 * force), list, info, fetch by direct gets (no consumer) and delete; what it stores reads back
 * with the object store library (the format OSAPI's Go side uses too).
 */
import assert from "node:assert/strict";
import { FileConflictError, sha256Hex } from "../../src/core/files.ts";
import { CHUNK_SIZE, NatsFileStore } from "../../src/files/object_store.ts";
import { Objm } from "@nats-io/obj";
import { jetstreamManager } from "@nats-io/jetstream";
import { silent } from "../../src/log.ts";
import { connectNats } from "../../src/nats/connect.ts";
import { ensureResources, routerFor } from "../../src/nats/resources.ts";
import { testConfig } from "../helpers/api.ts";
import { startNatsServer } from "../helpers/nats_server.ts";

Deno.test("the object store keeps files: upload, list, info, fetch, delete", async () => {
  const nats = await startNatsServer();
  const config = testConfig({ api: { server: { nats: { urls: [nats.url], namespace: "ft" } } } });
  const nc = await connectNats(config.api.server.nats, silent);
  try {
    const router = routerFor(config, "ft");
    await ensureResources(nc, config, router, silent);
    const store = new NatsFileStore(nc, router);
    const text = new TextEncoder().encode("server { listen 80; }\n");
    const sha = await sha256Hex(text);
    assert.deepEqual(await store.upload("nginx.conf", text, "raw", false), {
      name: "nginx.conf",
      sha256: sha,
      size: text.length,
      content_type: "raw",
      changed: true,
    });
    assert.equal((await store.upload("nginx.conf", text, "raw", false)).changed, false);
    const other = new TextEncoder().encode("other\n");
    await assert.rejects(store.upload("nginx.conf", other, "raw", false), FileConflictError);
    assert.equal((await store.upload("nginx.conf", other, "raw", true)).changed, true);
    // a file of several chunks (the library's chunks are 128 KiB)
    const big = new Uint8Array(300 * 1024).map((_, i) => i % 251);
    await store.upload("big.bin", big, "raw", false);
    assert.deepEqual((await store.list()).map((f) => [f.name, f.size, f.source]), [
      ["big.bin", big.length, "user"],
      ["nginx.conf", other.length, "user"],
    ]);
    assert.equal((await store.info("nginx.conf"))?.sha256, await sha256Hex(other));
    assert.equal(await store.info("missing"), undefined);
    const got = await store.fetch("big.bin");
    assert.deepEqual(got?.data, big);
    assert.equal(got?.info.sha256, await sha256Hex(big));
    // the library reads the same objects (its get creates a consumer: this test's user may)
    const lib = await new Objm(nc).open(router.fileBucket);
    assert.deepEqual(await lib.getBlob("big.bin"), big);
    assert.equal((await lib.info("nginx.conf"))?.size, other.length);
    // replaced chunks are dropped: 3 chunks of big.bin, one of nginx.conf, 1 empty rollup of
    // the replaced nginx.conf chunks, 2 metadata messages
    assert.equal(Math.ceil(big.length / CHUNK_SIZE), 3);
    const jsm = await jetstreamManager(nc);
    assert.equal((await jsm.streams.info(`OBJ_${router.fileBucket}`)).state.messages, 7);
    assert.equal(await store.remove("big.bin"), true);
    assert.equal(await lib.info("big.bin").then((i) => i?.deleted), true);
    assert.equal(await store.remove("big.bin"), false);
    assert.equal(await store.fetch("big.bin"), undefined);
    assert.deepEqual((await store.list()).map((f) => f.name), ["nginx.conf"]);
  } finally {
    await nc.close();
    await nats.stop();
  }
});
