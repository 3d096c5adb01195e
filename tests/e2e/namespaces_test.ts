import assert from "node:assert/strict";
import { connect } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";
import { startNatsServer } from "../helpers/nats_server.ts";
import { spawnOsapi } from "../helpers/osapi.ts";

Deno.test("two osapi instances (namespaces a and b) on one nats-server: disjoint streams, buckets, consumers", async () => {
  await using s = await startNatsServer();
  const dir = await Deno.makeTempDir();
  const workers = ["a", "b"].map((ns) =>
    spawnOsapi(["job", "worker", "start"], {
      env: {
        XDG_DATA_HOME: `${dir}/${ns}`,
        OSAPI_JOB_WORKER_NATS_PORT: String(s.port),
        OSAPI_JOB_WORKER_NATS_NAMESPACE: ns,
        OSAPI_JOB_WORKER_HOSTNAME: `host-${ns}`,
      },
    })
  );
  const outputs = workers.map((w) => w.stderr.pipeThrough(new TextDecoderStream()));
  const logs = ["", ""];
  const pumps = outputs.map(async (o, i) => {
    for await (const c of o) logs[i] += c;
  });
  const nc = await connect({ servers: s.url });
  try {
    const jsm = await jetstreamManager(nc);
    const deadline = Date.now() + 30_000;
    const consumers = new Map<string, string[]>();
    while (Date.now() < deadline) {
      consumers.clear();
      for await (const si of jsm.streams.list()) {
        const names: string[] = [];
        for await (const ci of jsm.consumers.list(si.config.name)) names.push(ci.name);
        consumers.set(si.config.name, names.sort());
      }
      // every worker's consumers and every namespace's streams and buckets (the registry bucket
      // is created when the worker first registers, after its consumers)
      const buckets = (ns: string) =>
        [...consumers.keys()].filter((n) => n.startsWith(`KV_${ns}-`)).length;
      if (
        (consumers.get("a-JOBS")?.length ?? 0) >= 3 &&
        (consumers.get("b-JOBS")?.length ?? 0) >= 3 && buckets("a") >= 5 && buckets("b") >= 5
      ) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const streams = [...consumers.keys()].sort();
    const of = (ns: string) =>
      streams.filter((n) =>
        n.startsWith(`${ns}-`) || n.startsWith(`KV_${ns}-`) || n.startsWith(`OBJ_${ns}-`)
      );
    assert.deepEqual(
      of("a").map((n) => n.replace(/(^|_)a-/, "$1")),
      of("b").map((n) => n.replace(/(^|_)b-/, "$1")),
    );
    assert.equal(
      of("a").length + of("b").length,
      streams.length,
      `unprefixed resources: ${streams}`,
    );
    assert.deepEqual(of("a"), [
      "KV_a-agent-state",
      "KV_a-audit-log",
      "KV_a-file-state",
      "KV_a-job-queue",
      "KV_a-job-responses",
      "KV_a-worker-registry",
      "OBJ_a-file-objects",
      "a-JOBS",
      "a-JOBS-DLQ",
    ]);
    assert.deepEqual(
      consumers.get("a-JOBS"),
      ["a-any-modify", "a-any-query", "a-worker-host-a"],
      logs.join(),
    );
    assert.deepEqual(
      consumers.get("b-JOBS"),
      ["b-any-modify", "b-any-query", "b-worker-host-b"],
      logs.join(),
    );
    const subjects = async (name: string) => (await jsm.streams.info(name)).config.subjects;
    assert.deepEqual(await subjects("a-JOBS"), ["a.jobs.query.>", "a.jobs.modify.>"]);
    assert.deepEqual(await subjects("b-JOBS"), ["b.jobs.query.>", "b.jobs.modify.>"]);
  } finally {
    await nc.close();
    for (const w of workers) w.kill("SIGTERM");
    for (const w of workers) await w.status;
    await Promise.all(pumps);
    await Deno.remove(dir, { recursive: true });
  }
});
