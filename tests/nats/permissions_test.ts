import assert from "node:assert/strict";
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import { connectNats } from "../../src/nats/connect.ts";
import { permissionsFor, tokenPermissions } from "../../src/nats/permissions.ts";
import {
  ensureOrVerifyResources,
  ensureResources,
  MissingResourcesError,
  routerFor,
  serverNamespaces,
} from "../../src/nats/resources.ts";
import { JS_API, kvStream, SubjectRouter } from "../../src/nats/subjects.ts";
import { RouteError } from "../../src/core/targets.ts";
import { RenderError } from "../../src/nats_conf/conf_text.ts";
import { renderServerConfig } from "../../src/server/render.ts";
import { silent } from "../../src/log.ts";
import { ConfigError, configFromRaw } from "../../src/config/load.ts";
import { createJobClient } from "../../src/job/client.ts";
import { startConsumerService } from "../../src/worker/consumer_service.ts";
import { startWorker } from "../../src/worker/worker.ts";
import { testProviders } from "../helpers/jobs.ts";
import { latestJson, lazyDirectBucket } from "../../src/job/store.ts";
import { startRenderedServer, Violations } from "../helpers/rendered_server.ts";
import { allows } from "../helpers/subject_match.ts";
import { credentialId } from "../../src/nats/credential_id.ts";

const ROLES = ["api", "worker", "component"] as const;

/** True when `subject` belongs to namespace `ns` (or is the account-level JetStream info). */
function fenced(subject: string, ns: string): boolean {
  if (subject === "$JS.API.INFO") return true;
  const streamOrBucket = new RegExp(
    `^\\$JS\\.(API\\.(STREAM|CONSUMER|DIRECT)\\.([A-Z*]+\\.)+|ACK\\.|FC\\.)` +
      `(KV_|OBJ_)?${ns}-`,
  );
  return subject.startsWith(`${ns}.`) || subject.startsWith(`_INBOX.${ns}.`) ||
    subject.startsWith(`$KV.${ns}-`) || subject.startsWith(`$O.${ns}-`) ||
    streamOrBucket.test(subject);
}

/**
 * Subjects no api, worker or component user of namespace `a` may publish to, whatever its
 * allow list looks like: stream administration (nats-server does not check a stream's
 * subjects, sources or mirror against permissions), consumer deletion, anything of namespace b.
 */
function forbiddenPublish(a: SubjectRouter, b: SubjectRouter): string[] {
  const admin = [...a.streams, "ANY"].flatMap((s) =>
    (["CREATE", "UPDATE", "DELETE", "PURGE"] as const).map((op) => JS_API.stream(op, s))
  );
  return [
    ...admin,
    JS_API.consumer("DELETE", a.stream, a.anyConsumer("query")),
    JS_API.consumer("DELETE", a.stream, a.workerConsumer("h1")),
    b.job("query", { type: "any" }),
    b.result("j1"),
    JS_API.stream("INFO", b.stream),
    JS_API.stream("UPDATE", b.stream),
    JS_API.directGet(kvStream(b.jobBucket), ""),
    `$KV.${b.jobBucket}.k`,
    JS_API.consumer("CREATE", b.stream, b.anyConsumer("query")),
    "$SYS.REQ.SERVER.PING",
  ];
}

Deno.test("api, worker and component permissions stay inside their namespace and never name $SYS", () => {
  const router = new SubjectRouter("a");
  for (const role of ROLES) {
    const p = permissionsFor(role, router, { credential: "u_t" });
    assert.ok(p.publish.length > 0 && p.subscribe.length > 0, role);
    for (const s of [...p.publish, ...p.subscribe]) {
      assert.ok(fenced(s, "a"), `${role}: ${s} is outside namespace a`);
      assert.ok(!s.includes("$SYS"), `${role}: ${s}`);
      assert.ok(!s.startsWith(">") && !s.startsWith("*"), `${role}: ${s}`);
    }
  }
  // what the allow lists really permit, matched as nats-server matches them
  const b = new SubjectRouter("b");
  for (const role of ROLES) {
    for (const hostname of ["", "h1"]) {
      const p = permissionsFor(role, router, { hostname, credential: "u_t" });
      for (const s of forbiddenPublish(router, b)) {
        assert.ok(!allows(p.publish, s), `${role} (host ${hostname || "any"}) may publish ${s}`);
      }
      for (const s of ["_INBOX.b.x", "b.jobs.results.j1", "b.jobs.query._any", "_INBOX.x"]) {
        assert.ok(!allows(p.subscribe, s), `${role} may subscribe ${s}`);
      }
    }
  }
  // the fence check itself rejects other namespaces
  assert.equal(fenced("b.jobs.query.>", "a"), false);
  assert.equal(fenced("$JS.API.STREAM.INFO.b-JOBS", "a"), false);
  assert.equal(fenced("$KV.ab-job-queue.>", "a"), false);
});

Deno.test("every non-admin role needs a credential id: no silent namespace-wide inbox", () => {
  const r = new SubjectRouter("prod");
  for (const role of ["api", "worker", "component", "view"] as const) {
    assert.throws(() => permissionsFor(role, r), /credential id is required/, role);
  }
  assert.deepEqual(permissionsFor("admin", r), { publish: [">"], subscribe: [">"] });
});

Deno.test("the worker cannot publish jobs nor write the audit log; the api cannot consume jobs", () => {
  const r = new SubjectRouter("prod");
  const api = permissionsFor("api", r, { credential: "u_t" });
  const worker = permissionsFor("worker", r, { credential: "u_t" });
  assert.ok(api.publish.includes("prod.jobs.query.>"));
  assert.ok(api.publish.includes("prod.jobs.modify.>"));
  assert.ok(api.subscribe.includes("prod.jobs.results.>"));
  // its own inbox only, never the namespace's (issue 8 §1)
  assert.ok(api.subscribe.includes("_INBOX.prod.u_t.>"));
  assert.ok(!allows(api.subscribe, "_INBOX.prod.u_other.x"));
  assert.ok(!allows(worker.subscribe, "_INBOX.prod.u_other.x"));
  // audit entries only under its own credential's writer id (issue 8 §7)
  assert.ok(api.publish.includes("$KV.prod-audit-log.u_t.>"));
  assert.ok(!allows(api.publish, "$KV.prod-audit-log.0193f8a4-5b6c-7d8e-9f01-23456789abcd"));
  const own = permissionsFor("api", r, { credential: "u_api1" });
  assert.ok(allows(own.publish, "$KV.prod-audit-log.u_api1.0193f8a4"));
  assert.ok(!allows(own.publish, "$KV.prod-audit-log.u_api2.0193f8a4"));
  assert.ok(api.publish.includes("$JS.API.STREAM.INFO.prod-JOBS"));
  assert.ok(api.publish.includes("$JS.API.DIRECT.GET.KV_prod-job-queue.>"));
  assert.ok(!allows(api.publish, "$JS.ACK.prod-JOBS.prod-any-query.1.1.1.1.1"));
  // no consumer operation on the jobs stream (it could delete or redirect the workers')
  assert.ok(!allows(api.publish, "$JS.API.CONSUMER.CREATE.prod-JOBS.x"));
  assert.ok(!allows(api.publish, "$JS.API.CONSUMER.DURABLE.CREATE.prod-JOBS.prod-worker-h1"));
  // it reads its buckets with batched direct gets
  assert.ok(allows(api.publish, "$JS.API.DIRECT.GET.KV_prod-job-queue"));

  assert.ok(
    !worker.publish.some((s) =>
      s.startsWith("prod.jobs.query") || s.startsWith("prod.jobs.modify")
    ),
  );
  assert.ok(!worker.publish.some((s) => s.includes("audit-log") && !s.includes(".STREAM.INFO.")));
  assert.ok(allows(worker.publish, "$JS.API.CONSUMER.MSG.NEXT.prod-JOBS.prod-worker-h1"));
  assert.ok(allows(worker.publish, "$JS.ACK.prod-JOBS.prod-any-query.1.2.3.4.5"));
  assert.ok(worker.publish.includes("prod.jobs.results.>"));
  assert.ok(worker.publish.includes("prod.dlq.jobs.>"));
  assert.ok(allows(worker.publish, "$KV.prod-worker-registry.h1"));
  assert.ok(allows(worker.publish, "$KV.prod-job-queue.events.j1.e1"));
  assert.ok(!allows(worker.publish, "$KV.prod-job-queue.jobs.j1"), "job records are the API's");
  // no consumer created, updated or deleted by a worker: it asks the consumer service
  for (const op of ["CREATE", "DURABLE.CREATE", "DELETE"]) {
    for (const name of ["prod-any-query", "prod-worker-h1", "x"]) {
      const s = `$JS.API.CONSUMER.${op}.prod-JOBS.${name}`;
      assert.ok(!allows(worker.publish, s) && !allows(worker.publish, `${s}.prod.jobs.query._any`));
    }
  }
  assert.ok(allows(worker.publish, "prod.consumers.h1"), "unfenced: any host's request");
  // its own drain state: read and heard, never written
  assert.ok(allows(worker.subscribe, "$KV.prod-agent-state.h1"));
  assert.ok(!allows(worker.publish, "$KV.prod-agent-state.h1"));
  assert.deepEqual(worker.subscribe, ["_INBOX.prod.u_t.>", "$KV.prod-agent-state.>"]);
});

Deno.test("no role but admin may create, read or pull from a consumer on a bucket (a push consumer's deliver_subject is unchecked)", () => {
  const r = new SubjectRouter("prod");
  const ops = ["CREATE", "DURABLE.CREATE", "INFO", "MSG.NEXT", "DELETE"] as const;
  const forbidden = r.buckets.flatMap((b) => {
    const stream = kvStream(b);
    return [
      ...ops.map((op) => JS_API.consumer(op, stream, "c1")),
      `${JS_API.consumer("CREATE", stream, "c1")}.$KV.${b}.>`,
      `$JS.API.CONSUMER.LIST.${stream}`,
      `$JS.API.CONSUMER.NAMES.${stream}`,
      `$JS.FC.${stream}.x`,
      `$JS.ACK.${stream}.c1.1.1.1.1.1`,
    ];
  });
  const tokenAll = { readJobs: true, queryJobs: true, modifyJobs: true };
  const sets = {
    ...Object.fromEntries(
      (["api", "worker", "component", "view"] as const).flatMap((role) =>
        ["", "h1"].map((
          hostname,
        ) => [`${role}/${hostname}`, permissionsFor(role, r, { hostname, credential: "u_t" })])
      ),
    ),
    token: tokenPermissions(r, tokenAll, "t_x"),
  };
  for (const [name, p] of Object.entries(sets)) {
    for (const s of forbidden) assert.ok(!allows(p.publish, s), `${name} may publish ${s}`);
  }
  assert.ok(allows(permissionsFor("admin", r, { credential: "u_t" }).publish, forbidden[0]));
});

Deno.test("a worker user with a hostname is fenced to that host's consumer, results and registry entry", () => {
  const r = new SubjectRouter("prod");
  const w = permissionsFor("worker", r, { hostname: "h1", credential: "u_t" });
  // its consumers come from the consumer service, asked for its own host only
  assert.ok(allows(w.publish, r.consumerRequest("h1")));
  assert.ok(!allows(w.publish, r.consumerRequest("h2")));
  assert.ok(!allows(w.publish, "$JS.API.CONSUMER.DURABLE.CREATE.prod-JOBS.prod-worker-h1"));
  for (const op of ["INFO", "MSG.NEXT"] as const) {
    assert.ok(allows(w.publish, JS_API.consumer(op, r.stream, r.workerConsumer("h1"))));
    assert.ok(allows(w.publish, JS_API.consumer(op, r.stream, r.anyConsumer("modify"))));
    assert.ok(!allows(w.publish, JS_API.consumer(op, r.stream, r.workerConsumer("h2"))), op);
  }
  assert.ok(allows(w.publish, "$JS.ACK.prod-JOBS.prod-worker-h1.1.2.3.4.5"));
  assert.ok(!allows(w.publish, "$JS.ACK.prod-JOBS.prod-worker-h2.1.2.3.4.5"));
  assert.ok(allows(w.publish, "$KV.prod-job-responses.j1.h1"));
  assert.ok(!allows(w.publish, "$KV.prod-job-responses.j1.h2"));
  assert.ok(allows(w.publish, "$KV.prod-worker-registry.h1"));
  assert.ok(!allows(w.publish, "$KV.prod-worker-registry.h2"));
  assert.ok(allows(w.publish, "$KV.prod-file-state.h1.L2V0Yy94"));
  assert.ok(!allows(w.publish, "$KV.prod-file-state.h2.L2V0Yy94"));
  // host names are sanitised like the router's names
  const dotted = permissionsFor("worker", r, { hostname: "web.example", credential: "u_t" });
  assert.ok(
    allows(dotted.publish, JS_API.consumer("MSG.NEXT", r.stream, "prod-worker-web_example")),
  );
});

Deno.test("component is the union of api and worker; admin is everything; the empty namespace has no prefix", () => {
  const r = new SubjectRouter("x");
  const api = permissionsFor("api", r, { credential: "u_t" });
  const worker = permissionsFor("worker", r, { credential: "u_t" });
  const component = permissionsFor("component", r, { credential: "u_t" });
  assert.deepEqual(
    new Set(component.publish),
    new Set([...api.publish, ...worker.publish]),
  );
  assert.deepEqual(
    new Set(component.subscribe),
    new Set([...api.subscribe, ...worker.subscribe]),
  );
  assert.deepEqual(permissionsFor("admin", r, { credential: "u_t" }), {
    publish: [">"],
    subscribe: [">"],
  });
  const bare = permissionsFor("api", new SubjectRouter(""), { credential: "u_t" });
  assert.ok(bare.publish.includes("jobs.query.>"));
  assert.ok(bare.publish.includes("$JS.API.STREAM.INFO.JOBS"));
  // configured resource names flow through the router
  const named = permissionsFor("worker", new SubjectRouter("x", { stream: "WORK" }), {
    credential: "u_t",
  });
  assert.ok(allows(named.publish, "$JS.API.CONSUMER.MSG.NEXT.x-WORK.x-worker-h1"));
});

Deno.test("the empty namespace is not isolated: its inbox is a namespace's named like its credential id", () => {
  const bare = permissionsFor("api", new SubjectRouter(""), { credential: "u_t" });
  // documented, not hidden: OSAPI's unprefixed compatibility mode answers on `_INBOX.<id>`,
  // which is namespace `u_t`'s whole inbox
  assert.ok(allows(bare.subscribe, "_INBOX.u_t.reply"));
  assert.ok(!allows(bare.subscribe, "_INBOX.b.reply"));
  // its other subjects cannot reach another namespace: the names they would need are reserved
  for (const ns of ["jobs", "dlq", "DEFAULT", "Sys", "_INBOX", "KV_x"]) {
    assert.throws(() => new SubjectRouter(ns), RouteError, ns);
  }
  // in the configuration: an error naming the key
  assert.throws(
    () => configFromRaw({ job: { worker: { nats: { namespace: "dlq" } } } }),
    (e) =>
      e instanceof ConfigError &&
      /job\.worker\.nats\.namespace: invalid value "dlq"; expected .*other than jobs, dlq/
        .test(e.message),
  );
  for (const ns of ["b", "web-1", "jobsx", "dlq2"]) {
    const other = new SubjectRouter(ns);
    for (const s of [other.job("modify", { type: "any" }), other.result("j1")]) {
      assert.ok(!allows(bare.publish, s) && !allows(bare.subscribe, s), `${ns}: ${s}`);
    }
  }
});

Deno.test("the renderer refuses users of the empty namespace next to other namespaces' users in one account", async () => {
  const users = [
    { username: "bare", password: "pw-bare", role: "api" },
    { username: "other", password: "pw-other", role: "api", namespace: "b" },
  ];
  const mixed = configFromRaw({
    nats: { server: { namespace: "", auth: { type: "user_pass", users } } },
  });
  const opts = { adminPublicKey: "UABC", bcryptCost: 4 };
  await assert.rejects(
    renderServerConfig(mixed, opts),
    (e) =>
      e instanceof RenderError &&
      /nats\.server\.auth\.users\[0\]\.namespace: the empty namespace .*"b".*_INBOX\.>.*isolation: account/
        .test(e.message),
  );
  // one account per namespace: allowed
  const isolated = configFromRaw({
    nats: { server: { namespace: "", auth: { type: "user_pass", isolation: "account", users } } },
  });
  assert.match((await renderServerConfig(isolated, opts)).text, /"DEFAULT":/);
  // every user in the empty namespace (a single deployment): allowed
  const single = configFromRaw({
    nats: { server: { namespace: "", auth: { type: "user_pass", users: [users[0]] } } },
  });
  assert.match((await renderServerConfig(single, opts)).text, /"_INBOX\.u_[\w-]+\.>"/);
});

const USERS = [
  { username: "api-a", password: "pw-api-a", role: "api", namespace: "a" },
  { username: "worker-a", password: "pw-worker-a", role: "worker", namespace: "a", hostname: "h1" },
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
    const ra = routerFor(rs.config, "a");
    // --- the API of namespace a, before the admin created its streams: a clear refusal
    const api = await connect("api-a", "a");
    closers.push(api);
    const early = await ensureOrVerifyResources(api, rs.config, ra, silent).catch((e) => e);
    assert.ok(early instanceof MissingResourcesError, String(early));
    assert.match(early.message, /stream a-JOBS, .*bucket a-audit-log.*osapi nats server start/);

    // only the admin identity creates and updates streams and buckets
    await ensureResources(admin, rs.config, routerFor(rs.config, "b"), silent);
    await ensureResources(admin, rs.config, ra, silent);
    const apiV = new Violations(api);
    await ensureOrVerifyResources(api, rs.config, ra, silent); // verifies, changes nothing
    assert.match(await denied(ensureResources(api, rs.config, ra, silent)), /Permissions Viol/i);
    const results = api.subscribe(ra.resultsWildcard());
    const js = jetstream(api);
    const ack = await js.publish(ra.job("query", { type: "any" }), "job-1");
    assert.equal(ack.stream, "a-JOBS");
    const kvm = new Kvm(api);
    for (const b of ra.buckets) {
      const kv = await kvm.open(b);
      // audit entries only under the writer's own credential id (issue 8 §7)
      const key = b === ra.auditBucket ? "u_api-a.one" : "k.one";
      await kv.put(key, '"v1"');
      assert.equal((await kv.get(key))?.string(), '"v1"');
      // every key read with batched direct gets, never a consumer
      const entries = await latestJson<string>(await lazyDirectBucket(api, b)());
      assert.deepEqual(entries.map((e) => [e.key, e.value]), [[key, "v1"]]);
      await kv.delete(key);
      assert.deepEqual(await latestJson(await lazyDirectBucket(api, b)()), []);
    }
    // the kv library's consumer-based reads are refused: a push consumer's deliver_subject is
    // not checked against permissions (tests/security/deliver_subject_test.ts)
    const jobs = await kvm.open(ra.jobBucket);
    assert.match(await denied(jobs.watch({ key: "w.>" })), /Permissions Violation/i);
    assert.match(
      (await apiV.publish(JS_API.consumer("CREATE", kvStream(ra.jobBucket), "x")))!,
      /Permissions Violation/,
    );
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
    await ensureOrVerifyResources(worker, rs.config, ra, silent);
    assert.deepEqual(workerV.messages, [], "verifying needs no refused request");
    const wjsm = await jetstreamManager(worker);
    // its consumers are created by the admin identity (the consumer service), never by it
    const ajsm = await jetstreamManager(admin);
    await ajsm.consumers.add(ra.stream, {
      durable_name: ra.anyConsumer("query"),
      filter_subject: ra.anyFilter("query"),
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
    });
    await ajsm.consumers.add(ra.stream, {
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
    // no consumer at all: not its own, not another host's, not a shared queue
    assert.match(
      await denied(wjsm.consumers.add(ra.stream, {
        durable_name: ra.workerConsumer("h1"),
        filter_subjects: ra.workerFilters("h1", {}),
        ack_policy: AckPolicy.Explicit,
      })),
      /Permissions Violation/i,
    );
    assert.match(
      await denied(wjsm.consumers.add(ra.stream, {
        durable_name: ra.workerConsumer("h2"),
        filter_subjects: ra.workerFilters("h2", {}),
        ack_policy: AckPolicy.Explicit,
      })),
      /Permissions Violation/i,
    );
    assert.match(
      await denied(wjsm.consumers.add(ra.stream, {
        durable_name: ra.anyConsumer("modify"),
        filter_subject: ra.jobsWildcard("modify"),
        ack_policy: AckPolicy.Explicit,
      })),
      /Permissions Violation/i,
    );
    // its writes: status events, its own results and registry entry; not job records
    const wkvm = new Kvm(worker);
    const [wjobs, wresults, wregistry] = await Promise.all(
      [ra.jobBucket, ra.responseBucket, ra.registryBucket].map((b) => wkvm.open(b)),
    );
    await wjobs.put("events.j1.e1", "event");
    await wresults.put("j1.h1", "result");
    await wregistry.put("h1", "beat");
    for (const refused of [wjobs.put("jobs.j1", "x"), wresults.put("j1.h2", "x")]) {
      assert.match(await denied(refused), /Permissions Violation/i);
    }
    assert.match(await denied(wregistry.put("h2", "x")), /Permissions Violation/i);
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
  const admin = await connectNats(rs.admin, silent, { maxReconnectAttempts: 0 });
  await ensureResources(admin, rs.config, routerFor(rs.config, "a"), silent);
  // the admin identity answers the worker's consumer request (as the supervisor does)
  const service = await startConsumerService(admin, routerFor(rs.config, "a"), silent);
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
    await ensureOrVerifyResources(nc, config, router, silent);
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
    await service.stop();
    await admin.close();
  }
});

Deno.test("the supervisor ensures the namespaces of every configured user it can reach", () => {
  const users = [
    { username: "a", password: "p", role: "api", namespace: "a" },
    { username: "b", password: "p", role: "worker", namespace: "b" },
    { username: "c", password: "p", role: "worker" },
  ];
  const userPass = configFromRaw({ nats: { server: { auth: { type: "user_pass", users } } } });
  assert.deepEqual(serverNamespaces(userPass), ["osapi", "a", "b"]);
  const callout = configFromRaw({
    nats: {
      server: {
        auth: {
          type: "callout",
          callout: {
            users: [
              { username: "x", namespace: "x" },
              { username: "y", namespace: "y", account: "ELSEWHERE" },
            ],
          },
        },
      },
    },
  });
  // a user in another account than the admin's is out of the supervisor's reach
  assert.deepEqual(serverNamespaces(callout), ["osapi", "x"]);
  assert.deepEqual(serverNamespaces(configFromRaw({})), ["osapi"]);
});

Deno.test("rendered users subscribe only to their own inbox: user name, nkey public key (issue 8 §1)", async () => {
  const opts = { adminPublicKey: "UABC", bcryptCost: 4 };
  const up = configFromRaw({
    nats: {
      server: {
        namespace: "prod",
        auth: {
          type: "user_pass",
          users: [
            { username: "api", password: "pw-api", role: "api" },
            { username: "CN=osapi-view", password: "pw-view", role: "view" },
          ],
        },
      },
    },
  });
  const text = (await renderServerConfig(up, opts)).text;
  assert.match(text, /"_INBOX\.prod\.u_api\.>"/);
  const mapped = credentialId({ type: "user", username: "CN=osapi-view" });
  assert.match(mapped, /^uh_[0-9a-f]{24}$/);
  assert.ok(text.includes(`"_INBOX.prod.${mapped}.>"`));
  assert.doesNotMatch(text, /"_INBOX\.prod\.>"/);
  const key = "UDQW6WHFYP5ERDHJXADWNEVUWL4VCWG2D6MJX2BWE4JQGP6IAFBV6VF2";
  const nk = configFromRaw({
    nats: {
      server: {
        namespace: "prod",
        auth: { type: "nkey", nkeys: [{ public_key: key, role: "worker", hostname: "h1" }] },
      },
    },
  });
  const nkText = (await renderServerConfig(nk, opts)).text;
  assert.ok(nkText.includes(`"_INBOX.prod.${key}.>"`));
  assert.doesNotMatch(nkText, /"_INBOX\.prod\.>"/);
});
