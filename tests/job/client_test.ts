import assert from "node:assert/strict";
import { jetstreamManager } from "@nats-io/jetstream";
import { startNatsServer } from "../helpers/nats_server.ts";
import { eventually, testClient, testProviders, testWorker } from "../helpers/jobs.ts";
import { OperationError, OperationInputError } from "../../src/core/job.ts";
import { TargetError } from "../../src/core/targets.ts";
import type { Provider } from "../../src/worker/providers/types.ts";

/** `test.pick` fails (bad input, not redelivered) on the host named in `fail_on`. */
const pickProvider: Provider = {
  type: "test.pick",
  kind: "query",
  validate: (d) => (d ?? {}) as Record<string, unknown>,
  run(input, ctx) {
    if (input.fail_on === ctx.hostname) {
      return Promise.reject(new OperationInputError(`not on ${ctx.hostname}`));
    }
    return Promise.resolve({ ok: ctx.hostname });
  },
};

Deno.test("job client and three workers on a real nats-server", async (t) => {
  await using server = await startNatsServer();
  const providers = testProviders(pickProvider);
  const workers = [
    await testWorker(server.port, {
      hostname: "web1",
      labels: { group: "web.dev.us-east", role: "frontend" },
      providers,
    }),
    await testWorker(server.port, {
      hostname: "web2",
      labels: { group: "web.prod" },
      providers,
    }),
    await testWorker(server.port, { hostname: "db1", labels: { group: "db" }, providers }),
  ];
  await using api = await testClient(server.port, { providers });
  const { client } = api;
  const jsm = await jetstreamManager(api.nc);
  const streamMessages = async () => (await jsm.streams.info(client.router.stream)).state.messages;
  const echo = { type: "test.echo", data: { n: 1 } };

  try {
    await t.step("the registry lists the live workers with their labels", async () => {
      const live = await client.workers();
      assert.deepEqual(live.map((w) => w.hostname), ["db1", "web1", "web2"]);
      const web1 = live.find((w) => w.hostname === "web1")!;
      assert.deepEqual(web1.labels, { group: "web.dev.us-east", role: "frontend" });
      assert.equal(typeof web1.version, "string");
      assert.ok(Date.parse(web1.last_seen) >= Date.parse(web1.started));
    });

    await t.step("_any jobs go to one worker each and are spread over all three", async () => {
      const perHost = new Map<string, number>();
      for (let i = 0; i < 30; i++) {
        const r = await client.run({ type: "test.echo", data: { i } }, "_any", "tester");
        assert.equal(r.status, "completed");
        assert.equal(r.results.length, 1, "an _any job is answered by exactly one worker");
        const host = r.results[0].hostname;
        perHost.set(host, (perHost.get(host) ?? 0) + 1);
        assert.deepEqual((r.results[0].data as { input: unknown }).input, { i });
      }
      assert.equal(perHost.size, 3, `every worker got some: ${JSON.stringify([...perHost])}`);
      for (const [host, n] of perHost) assert.ok(n < 30, `${host} got all jobs`);
    });

    await t.step("_all returns one result per worker", async () => {
      const r = await client.run(echo, "_all", "tester");
      assert.equal(r.status, "completed");
      assert.deepEqual(r.results.map((x) => x.hostname), ["db1", "web1", "web2"]);
      const rec = await eventually(async () => {
        const g = await client.get(r.job_id);
        return g?.status === "completed" ? g : undefined;
      }, "record completed");
      assert.equal(rec.results.length, 3);
      assert.equal(rec.job.target, "_all");
    });

    await t.step("a label target reaches exactly the labelled workers, by prefix", async () => {
      const web = await client.run(echo, "group:web", "tester");
      assert.deepEqual(web.results.map((x) => x.hostname), ["web1", "web2"]);
      const dev = await client.run(echo, "group:web.dev", "tester");
      assert.deepEqual(dev.results.map((x) => x.hostname), ["web1"]);
      const full = await client.run(echo, "group:web.dev.us-east", "tester");
      assert.deepEqual(full.results.map((x) => x.hostname), ["web1"]);
      const db = await client.run(echo, "group:db", "tester");
      assert.deepEqual(db.results.map((x) => x.hostname), ["db1"]);
    });

    await t.step("a host target reaches only that host", async () => {
      for (const host of ["web2", "db1"]) {
        const r = await client.run(echo, host, "tester");
        assert.deepEqual(r.results.map((x) => x.hostname), [host]);
        const rec = await client.get(r.job_id);
        const hosts = new Set(rec!.events.filter((e) => e.hostname).map((e) => e.hostname));
        assert.deepEqual([...hosts], [host]);
      }
    });

    await t.step("unknown targets and operations are refused before publishing", async () => {
      const before = await streamMessages();
      const listed = (await client.list({ limit: 1000, offset: 0 })).total;
      await assert.rejects(client.submit(echo, "nosuchhost", "t"), (e: Error) => {
        assert.ok(e instanceof TargetError);
        assert.match(e.message, /unknown host "nosuchhost"/);
        return true;
      });
      await assert.rejects(client.run(echo, "group:mobile", "t"), TargetError);
      await assert.rejects(client.run(echo, "group:web.staging", "t"), TargetError);
      await assert.rejects(client.submit(echo, "web*", "t"), TargetError);
      await assert.rejects(client.submit(echo, "_nope", "t"), TargetError);
      await assert.rejects(
        client.submit({ type: "no.such.op", data: {} }, "_any", "t"),
        (e: Error) => e instanceof OperationError && /no\.such\.op/.test(e.message),
      );
      await assert.rejects(
        client.submit({ type: "test.echo", data: { bad: 1 } }, "_any", "t"),
        OperationInputError,
      );
      assert.equal(await streamMessages(), before, "nothing was published");
      assert.equal((await client.list({ limit: 1000, offset: 0 })).total, listed);
    });

    await t.step("status is computed from the per-host events", async () => {
      const job = await client.submit(echo, "web1", "alice");
      assert.equal(job.submitter, "alice");
      assert.match(job.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      const rec = await eventually(async () => {
        const g = await client.get(job.id);
        return g?.status === "completed" ? g : undefined;
      }, "job completed");
      assert.deepEqual(rec.events.map((e) => e.type), [
        "submitted",
        "acknowledged",
        "started",
        "completed",
      ]);
      assert.deepEqual(rec.events.slice(1).map((e) => e.hostname), ["web1", "web1", "web1"]);
      assert.equal(rec.results[0].status, "completed");
      assert.equal(typeof rec.results[0].duration_ms, "number");

      const partial = await client.run(
        { type: "test.pick", data: { fail_on: "web2" } },
        "_all",
        "t",
      );
      assert.equal(partial.status, "partial_failure");
      const failed = partial.results.find((r) => r.hostname === "web2")!;
      assert.equal(failed.status, "failed");
      assert.equal(failed.error, "not on web2");
      const prec = await eventually(async () => {
        const g = await client.get(partial.job_id);
        return g && g.results.length === 3 ? g : undefined;
      }, "three results");
      assert.equal(prec.status, "partial_failure");
      assert.ok(prec.events.some((e) => e.type === "failed" && e.hostname === "web2"));

      const allFailed = await client.run(
        { type: "test.pick", data: { fail_on: "db1" } },
        "db1",
        "t",
      );
      assert.equal(allFailed.status, "failed");
    });

    await t.step("modify jobs report changed", async () => {
      const r = await client.run({ type: "test.change", data: {} }, "web1", "t");
      assert.equal(r.status, "completed");
      assert.equal(r.results[0].changed, true);
    });

    await t.step("retry creates a new job linked to the old one", async () => {
      const first = await client.run(echo, "web2", "alice");
      const again = await client.retry(first.job_id, "bob");
      assert.ok(again);
      assert.equal(again.retry_of, first.job_id);
      assert.equal(again.submitter, "bob");
      assert.deepEqual(again.operation, echo);
      assert.equal(again.target, "web2");
      assert.notEqual(again.id, first.job_id);
      const old = await client.get(first.job_id);
      const retried = old!.events.filter((e) => e.type === "retried");
      assert.deepEqual(retried.map((e) => e.detail), [again.id]);
      assert.equal(old!.status, "completed", "a retried event does not change the status");
      await eventually(async () => {
        const g = await client.get(again.id);
        return g?.status === "completed" ? g : undefined;
      }, "retry completed");
      assert.equal(await client.retry("0190c0de-0000-7000-8000-000000000000", "bob"), undefined);
    });

    await t.step("list pages newest first, filters by status; counts; delete", async () => {
      const all = await client.list({ limit: 1000, offset: 0 });
      assert.equal(all.total, all.items.length);
      const ids = all.items.map((r) => r.job.id);
      assert.deepEqual(ids, [...ids].sort().reverse(), "newest first");
      const page = await client.list({ limit: 5, offset: 3 });
      assert.deepEqual(page.items.map((r) => r.job.id), ids.slice(3, 8));
      assert.equal(page.total, all.total);
      const failed = await client.list({ status: "failed", limit: 100, offset: 0 });
      assert.ok(failed.total >= 1);
      assert.ok(failed.items.every((r) => r.status === "failed"));
      const partial = await client.list({ status: "partial_failure", limit: 100, offset: 0 });
      assert.equal(partial.total, 1);
      assert.equal(partial.items[0].results.length, 3);
      const counts = await client.counts();
      assert.deepEqual(Object.keys(counts).sort(), [
        "completed",
        "failed",
        "partial_failure",
        "processing",
        "submitted",
      ]);
      assert.equal(Object.values(counts).reduce((a, b) => a + b, 0), all.total);
      assert.equal(counts.partial_failure, 1);

      const victim = ids[0];
      assert.equal(await client.delete(victim), true);
      assert.equal(await client.get(victim), undefined);
      assert.equal(await client.delete(victim), false);
      assert.equal((await client.list({ limit: 1000, offset: 0 })).total, all.total - 1);
    });

    await t.step("a stopped worker deregisters and is no longer a target", async () => {
      await workers[2].stop();
      const live = await client.workers();
      assert.deepEqual(live.map((w) => w.hostname), ["web1", "web2"]);
      await assert.rejects(client.submit(echo, "db1", "t"), TargetError);
      const r = await client.run(echo, "_all", "t");
      assert.deepEqual(r.results.map((x) => x.hostname), ["web1", "web2"]);
    });
  } finally {
    for (const w of workers) await w.stop();
  }
});
