import assert from "node:assert/strict";
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import { connectNats } from "../../src/nats/connect.ts";
import { permissionsFor } from "../../src/nats/permissions.ts";
import { ensureResources, routerFor } from "../../src/nats/resources.ts";
import { SubjectRouter } from "../../src/nats/subjects.ts";
import { silent } from "../../src/log.ts";
import { configFromRaw } from "../../src/config/load.ts";
import { createJobClient } from "../../src/job/client.ts";
import { startWorker } from "../../src/worker/worker.ts";
import { testProviders } from "../helpers/jobs.ts";
import { startRenderedServer, Violations } from "../helpers/rendered_server.ts";

const ROLES = ["api", "worker", "component"] as const;

/** True when `subject` belongs to namespace `ns` (or is the account-level JetStream info). */
function fenced(subject: string, ns: string): boolean {
  if (subject === "$JS.API.INFO") return true;
  const streamOrBucket = new RegExp(
    `^\\$JS\\.(API\\.(STREAM|CONSUMER|DIRECT)\\.([A-Z*]+\\.)+|ACK\\.|FC\\.)` +
      `(KV_)?${ns}-`,
  );
  return subject.startsWith(`${ns}.`) || subject.startsWith(`_INBOX.${ns}.`) ||
    subject.startsWith(`$KV.${ns}-`) || streamOrBucket.test(subject);
}

Deno.test("api, worker and component permissions stay inside their namespace and never name $SYS", () => {
  const router = new SubjectRouter("a");
  for (const role of ROLES) {
    const p = permissionsFor(role, router);
    assert.ok(p.publish.length > 0 && p.subscribe.length > 0, role);
    for (const s of [...p.publish, ...p.subscribe]) {
      assert.ok(fenced(s, "a"), `${role}: ${s} is outside namespace a`);
      assert.ok(!s.includes("$SYS"), `${role}: ${s}`);
      assert.ok(!s.startsWith(">") && !s.startsWith("*"), `${role}: ${s}`);
    }
  }
  // the fence check itself rejects other namespaces
  assert.equal(fenced("b.jobs.query.>", "a"), false);
  assert.equal(fenced("$JS.API.STREAM.INFO.b-JOBS", "a"), false);
  assert.equal(fenced("$KV.ab-job-queue.>", "a"), false);
});

Deno.test("the worker cannot publish jobs nor write the audit log; the api cannot consume jobs", () => {
  const r = new SubjectRouter("prod");
  const api = permissionsFor("api", r);
  const worker = permissionsFor("worker", r);
  assert.ok(api.publish.includes("prod.jobs.query.>"));
  assert.ok(api.publish.includes("prod.jobs.modify.>"));
  assert.ok(api.subscribe.includes("prod.jobs.results.>"));
  assert.ok(api.subscribe.includes("_INBOX.prod.>"));
  assert.ok(api.publish.includes("$KV.prod-audit-log.>"));
  assert.ok(api.publish.includes("$JS.API.STREAM.INFO.prod-JOBS"));
  assert.ok(api.publish.includes("$JS.API.DIRECT.GET.KV_prod-job-queue.>"));
  assert.ok(!api.publish.includes("$JS.ACK.prod-JOBS.>"));

  assert.ok(
    !worker.publish.some((s) =>
      s.startsWith("prod.jobs.query") || s.startsWith("prod.jobs.modify")
    ),
  );
  assert.ok(!worker.publish.some((s) => s.includes("audit-log") && !s.includes(".STREAM.")));
  assert.ok(worker.publish.includes("$JS.API.CONSUMER.MSG.NEXT.prod-JOBS.>"));
  assert.ok(worker.publish.includes("$JS.ACK.prod-JOBS.>"));
  assert.ok(worker.publish.includes("prod.jobs.results.>"));
  assert.ok(worker.publish.includes("prod.dlq.jobs.>"));
  assert.ok(worker.publish.includes("$KV.prod-worker-registry.>"));
  assert.deepEqual(worker.subscribe, ["_INBOX.prod.>"]);
});

Deno.test("component is the union of api and worker; admin is everything; the empty namespace has no prefix", () => {
  const r = new SubjectRouter("x");
  const api = permissionsFor("api", r);
  const worker = permissionsFor("worker", r);
  const component = permissionsFor("component", r);
  assert.deepEqual(
    new Set(component.publish),
    new Set([...api.publish, ...worker.publish]),
  );
  assert.deepEqual(
    new Set(component.subscribe),
    new Set([...api.subscribe, ...worker.subscribe]),
  );
  assert.deepEqual(permissionsFor("admin", r), { publish: [">"], subscribe: [">"] });
  const bare = permissionsFor("api", new SubjectRouter(""));
  assert.ok(bare.publish.includes("jobs.query.>"));
  assert.ok(bare.publish.includes("$JS.API.STREAM.INFO.JOBS"));
  assert.ok(bare.subscribe.includes("_INBOX.>"));
  // configured resource names flow through the router
  const named = permissionsFor("worker", new SubjectRouter("x", { stream: "WORK" }));
  assert.ok(named.publish.includes("$JS.API.CONSUMER.MSG.NEXT.x-WORK.>"));
});

const USERS = [
  { username: "api-a", password: "pw-api-a", role: "api", namespace: "a" },
  { username: "worker-a", password: "pw-worker-a", role: "worker", namespace: "a" },
  { username: "api-b", password: "pw-api-b", role: "api", namespace: "b" },
];

async function denied(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as Error).message;
  }
  assert.fail("expected the operation to be refused");
}

Deno.test("real nats-server: api and worker users can do their whole job in their namespace and nothing else", async () => {
  await using rs = await startRenderedServer({
    nats: { server: { namespace: "a", auth: { type: "user_pass", users: USERS } } },
  });
  const connect = (name: string, ns: string) => {
    const u = USERS.find((x) => x.username === name)!;
    return connectNats(
      rs.client({ type: "user_pass", username: u.username, password: u.password }, ns),
      silent,
      { maxReconnectAttempts: 0 },
    );
  };
  const closers: NatsConnection[] = [];
  try {
    const admin = await connectNats(rs.admin, silent, { maxReconnectAttempts: 0 });
    closers.push(admin);
    await ensureResources(admin, rs.config, routerFor(rs.config, "b"), silent);
    const ra = routerFor(rs.config, "a");

    // --- the API of namespace a
    const api = await connect("api-a", "a");
    closers.push(api);
    const apiV = new Violations(api);
    await ensureResources(api, rs.config, ra, silent); // creates a's streams and buckets
    const results = api.subscribe(ra.resultsWildcard());
    const js = jetstream(api);
    const ack = await js.publish(ra.job("query", { type: "any" }), "job-1");
    assert.equal(ack.stream, "a-JOBS");
    const kvm = new Kvm(api);
    for (const b of ra.buckets) {
      const kv = await kvm.open(b);
      await kv.put("k.one", "v1");
      assert.equal((await kv.get("k.one"))?.string(), "v1");
      const keys: string[] = [];
      for await (const k of await kv.keys()) keys.push(k);
      assert.deepEqual(keys, ["k.one"]);
      await kv.delete("k.one");
    }
    const jobs = await kvm.open(ra.jobBucket);
    const watched: string[] = [];
    const watch = await jobs.watch({ key: "w.>" });
    await jobs.put("w.1", "x");
    for await (const e of watch) {
      watched.push(e.key);
      break;
    }
    assert.deepEqual(watched, ["w.1"]);
    const jsm = await jetstreamManager(api);
    assert.equal((await jsm.streams.info(ra.stream)).state.messages, 1);
    // outside its namespace and job consumption's ack path
    assert.match((await apiV.publish("b.jobs.query._any"))!, /Permissions Violation/);
    assert.match((await apiV.publish("$SYS.REQ.SERVER.PING"))!, /Permissions Violation/);
    assert.match(
      await denied(kvm.open("b-job-queue").then((kv) => kv.get("k"))),
      /Permissions Violation/i,
    );
    const foreign = api.subscribe("b.jobs.results.>");
    assert.match(String(await foreign.closed.catch((e) => e.message)), /Permissions Violation/);

    // --- the worker of namespace a
    const worker = await connect("worker-a", "a");
    closers.push(worker);
    const workerV = new Violations(worker);
    await ensureResources(worker, rs.config, ra, silent); // allowed: its own namespace
    const wjsm = await jetstreamManager(worker);
    await wjsm.consumers.add(ra.stream, {
      durable_name: ra.anyConsumer("query"),
      filter_subject: ra.anyFilter("query"),
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
    });
    await wjsm.consumers.add(ra.stream, {
      durable_name: ra.workerConsumer("h1"),
      filter_subjects: ra.workerFilters("h1", { group: "web" }),
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.New,
    });
    const wjs = jetstream(worker);
    const consumer = await wjs.consumers.get(ra.stream, ra.anyConsumer("query"));
    const msg = await consumer.next({ expires: 5_000 });
    assert.equal(msg?.string(), "job-1");
    msg!.working();
    const wkvm = new Kvm(worker);
    for (const b of [ra.jobBucket, ra.responseBucket, ra.registryBucket]) {
      const kv = await wkvm.open(b);
      await kv.create(`r.${crypto.randomUUID()}`, "result");
      const seen: string[] = [];
      for await (const e of await kv.history({ key: "r.>" })) {
        seen.push(e.key);
        if (seen.length === 1) break;
      }
      assert.equal(seen.length, 1);
    }
    worker.publish(ra.result("job-1"), "done");
    await wjs.publish(ra.dlqJob(ra.job("query", { type: "any" })), "dead");
    assert.ok(await msg!.ackAck());
    const first = await (async () => {
      for await (const m of results) return m.string();
    })();
    assert.equal(first, "done");
    // the worker may not submit jobs, write the audit log, or reach namespace b
    assert.match(
      (await workerV.publish(ra.job("query", { type: "any" })))!,
      /Permissions Violation/,
    );
    assert.match(
      (await workerV.publish(ra.job("modify", { type: "all" })))!,
      /Permissions Violation/,
    );
    assert.match((await workerV.publish(`$KV.${ra.auditBucket}.x`))!, /Permissions Violation/);
    assert.match((await workerV.publish("b.jobs.results.x"))!, /Permissions Violation/);
    assert.match(
      await denied(wkvm.open("b-worker-registry").then((kv) => kv.put("k", "v"))),
      /Permissions Violation/i,
    );
    assert.equal((await jsm.streams.info(ra.stream)).state.messages, 1, "no job from the worker");

    // --- the API of namespace b cannot see a's jobs
    const apiB = await connect("api-b", "b");
    closers.push(apiB);
    const bV = new Violations(apiB);
    assert.match((await bV.publish("a.jobs.query._any"))!, /Permissions Violation/);
    assert.match(
      await denied(jetstreamManager(apiB).then((m) => m.streams.info("a-JOBS"))),
      /Permissions Violation/i,
    );
  } finally {
    for (const nc of closers.reverse()) await nc.close().catch(() => {});
  }
});

Deno.test("real nats-server: the job layer runs end to end with least-privilege api and worker users", async () => {
  await using rs = await startRenderedServer({
    nats: { server: { namespace: "a", auth: { type: "user_pass", users: USERS } } },
  });
  const nats = (user: string) => {
    const u = USERS.find((x) => x.username === user)!;
    return {
      host: "127.0.0.1",
      port: rs.server.port,
      namespace: "a",
      auth: { type: "user_pass", username: u.username, password: u.password },
    };
  };
  const config = configFromRaw({
    api: { server: { nats: nats("api-a"), jobs: { timeout: "10s", quiet_period: "1s" } } },
    job: { worker: { nats: nats("worker-a"), hostname: "h1", labels: { group: "web" } } },
  });
  const wnc = await connectNats(config.job.worker.nats, silent, { maxReconnectAttempts: 0 });
  const workerViolations = new Violations(wnc);
  const worker = await startWorker(config, {
    log: silent,
    nc: wnc,
    providers: testProviders(),
    fetchExpiresMs: 1000,
  });
  const nc = await connectNats(config.api.server.nats, silent, { maxReconnectAttempts: 0 });
  const violations = new Violations(nc);
  try {
    const router = routerFor(config, "a");
    await ensureResources(nc, config, router, silent);
    const client = createJobClient(nc, config, router, silent, { operations: testProviders() });
    assert.deepEqual((await client.workers()).map((w) => w.hostname), ["h1"]);
    for (const target of ["_any", "_all", "h1", "group:web"]) {
      const r = await client.run({ type: "test.echo", data: { n: 1 } }, target, "tester");
      assert.equal(r.status, "completed", `${target}: ${JSON.stringify(r)}`);
      assert.equal(r.results.length, 1);
      assert.equal(r.results[0].hostname, "h1");
    }
    const job = await client.submit({ type: "test.echo", data: {} }, "_any", "tester");
    const retried = await client.retry(job.id, "tester");
    assert.ok(retried);
    const listed = await client.list({ limit: 100, offset: 0 });
    assert.ok(listed.total >= 6);
    assert.ok(await client.get(job.id));
    assert.equal(await client.delete(job.id), true);
    assert.deepEqual(violations.messages, [], "the api needed nothing beyond its permissions");
    await worker.stop();
    assert.deepEqual(workerViolations.messages, [], "nor did the worker");
  } finally {
    await worker.stop();
    await wnc.close();
    await nc.close();
  }
});
